package roadcast.serve;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import roadcast.api.ApiKeys;
import roadcast.api.SegmentCatalog;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code roadcast serve}: the online store, HTTP API and dashboard, in their own JVM. */
@Command(name = "serve", mixinStandardHelpOptions = true, subcommands = {ServeBenchCommand.class, ServePurgeCommand.class},
    description = {"Follows the forecast and speed topics into a RocksDB online store and serves the HTTP API and the "
        + "command-centre dashboard.",
        "Prints 'Dashboard: http://localhost:PORT/?key=...' once ready. Stop with Ctrl-C (or kill: every stored "
            + "batch is already durable)."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092",
        description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--no-kafka", description = "Serve the store as it is, without following any topic.")
    boolean noKafka;

    @Option(names = "--store", defaultValue = "roadcast-store",
        description = "Directory of the RocksDB online store, created if missing (default: ${DEFAULT-VALUE}).")
    Path store;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--registry", description = "Model registry directory: the latest model's network gives the "
        + "segment list with coordinates, road classes and zones, the road links for /api/route and /api/outlook; each "
        + "forecast's reliability flag comes from the skill table of the version that issued it.")
    Path registry;

    @Option(names = "--segments", description = "CSV of segments (id/sensor_id, latitude, longitude[, road_class, zone]), "
        + "e.g. a data set's sensors.csv; used when no --registry is given.")
    Path segments;

    @CommandLine.ArgGroup(exclusive = true)
    KeyOptions keyOptions;

    static final class KeyOptions {
        @Option(names = "--api-key", description = "The API key clients must send as 'Authorization: Bearer KEY' "
            + "(an admin key).")
        String apiKey;

        @Option(names = "--api-keys", description = "File of accepted keys, one per line: the key's SHA-256 hex digest "
            + "(printf %%s KEY | sha256sum) and optionally its role, read (default: network, forecasts, history, "
            + "stream) or admin (also dead letters and data deletion). Re-read every second: a removed line stops "
            + "working within seconds and its open streams are closed. Without --api-key or --api-keys a random "
            + "admin key is generated and printed.")
        Path apiKeys;
    }

    @Option(names = "--retention", defaultValue = "7d", converter = DurationConverter.class,
        description = "How long observed speeds and issued forecasts are kept, measured back from the newest data "
            + "(7d, 12h, 30m; default: ${DEFAULT-VALUE}).")
    Duration retention;

    @Option(names = "--sweep-every", defaultValue = "5m", converter = DurationConverter.class,
        description = "How often expired history is deleted (default: ${DEFAULT-VALUE}).")
    Duration sweepEvery;

    @Option(names = "--max-stream-clients", defaultValue = "100", description = "Most concurrent /api/stream "
        + "clients; more get 503 (default: ${DEFAULT-VALUE}).")
    int maxStreamClients;

    @Option(names = "--forecast-topic", defaultValue = "roadcast.forecast", description = "Default: ${DEFAULT-VALUE}.")
    String forecastTopic;

    @Option(names = "--speed-topic", defaultValue = "roadcast.speed", description = "Default: ${DEFAULT-VALUE}.")
    String speedTopic;

    @Option(names = "--alerts-topic", defaultValue = ServingNode.Settings.ALERTS_TOPIC, description = "Where the "
        + "incident alerts computed from the forecasts are published (key = alert id, created compacted if missing; "
        + "default: ${DEFAULT-VALUE}).")
    String alertsTopic;

    @Option(names = "--outlook-topic", defaultValue = ServingNode.Settings.OUTLOOK_TOPIC, description = "Where the "
        + "congestion outlook of every network step is published (key 'network'; default: ${DEFAULT-VALUE}).")
    String outlookTopic;

    @Option(names = "--topic-create-timeout", defaultValue = "10s", converter = DurationConverter.class,
        description = "How long one attempt to create the alerts and outlook topics waits for the broker; a broker "
            + "not up yet or slow is asked again with backoff (0.5 s doubling to 30 s; default: ${DEFAULT-VALUE}).")
    Duration topicCreateTimeout;

    @Option(names = "--topic-create-give-up", defaultValue = "5m", converter = DurationConverter.class,
        description = "Stop retrying the topics' creation after this long (then the first publish lets the broker "
            + "create them, uncompacted if it auto-creates; default: ${DEFAULT-VALUE}).")
    Duration topicCreateGiveUp;

    @Option(names = "--alerts-settings", paramLabel = "TEXT", description = "The incident detector's setting for "
        + "the live alerts, in the benchmark's form (e.g. \"persist=3 drop=0.20 jump=0.30 deep=0.70+contrast\"; a key "
        + "left out keeps its generated-city default). Default: the setting validated for the latest model's input: "
        + "the fused-feed choice for a model trained on a multi-source feed (its card has a fusion), otherwise the "
        + "generated-city defaults. /api/alerts shows the one running (detectorSettings).")
    String alertsSettings;

    @Override
    public Integer call() throws Exception {
        try {
            return serve();
        } catch (IllegalArgumentException | roadcast.store.StoreException e) {
            System.err.println("serve: " + e.getMessage());
            return 2;
        }
    }

    private int serve() throws InterruptedException {
        roadcast.alerts.IncidentDetector.Settings detector = null;
        if (alertsSettings != null) {
            try {
                detector = roadcast.alerts.IncidentDetector.Settings.parse(alertsSettings);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--alerts-settings: " + e.getMessage(), e);
            }
        }
        String shownKey;
        ApiKeys keys;
        if (keyOptions != null && keyOptions.apiKeys != null) {
            keys = ApiKeys.fromFile(keyOptions.apiKeys).watch(java.time.Duration.ofSeconds(1));
            shownKey = "<your key>";
        } else if (keyOptions != null && keyOptions.apiKey != null) {
            keys = ApiKeys.of(keyOptions.apiKey);
            shownKey = keyOptions.apiKey;
        } else {
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            shownKey = HexFormat.of().formatHex(random);
            keys = ApiKeys.of(shownKey);
            System.out.println("No --api-key given: generated API key " + shownKey);
        }
        SegmentCatalog catalog = registry != null ? RegistryCatalog.load(registry)
            : segments != null ? SegmentCatalog.fromCsv(segments) : SegmentCatalog.empty();
        if (maxStreamClients < 1) {
            throw new IllegalArgumentException("--max-stream-clients must be at least 1, got " + maxStreamClients);
        }
        roadcast.api.ForecastStream.Limits defaults = roadcast.api.ForecastStream.Limits.defaults();
        var creation = new roadcast.alerting.KafkaDecisionSink.TopicCreation(topicCreateTimeout, topicCreateGiveUp);
        ServingNode node;
        try {
            node = ServingNode.start(new ServingNode.Settings(noKafka ? null : bootstrapServers, forecastTopic,
                speedTopic, store, retention, sweepEvery, port, catalog, keys).withStreamLimits(
                new roadcast.api.ForecastStream.Limits(maxStreamClients, defaults.queuePerClient(),
                    defaults.replayEvents(), defaults.heartbeat())).withDecisionTopics(alertsTopic, outlookTopic)
                .withTopicCreation(creation).withAlertsSettings(detector));
        } catch (roadcast.store.StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            // e.g. the port is taken: a one-line reason, not a stack trace
            System.err.println("serve: cannot start on port " + port + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "serve-shutdown"));
        System.out.println("Serving " + catalog.size() + " catalogued segments, store " + store.toAbsolutePath()
            + (noKafka ? "" : ", following " + forecastTopic + " and " + speedTopic + " on " + bootstrapServers));
        System.out.println("Dashboard: http://localhost:" + node.port() + "/?key=" + shownKey);
        System.out.flush();
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int code = new CommandLine(new ServeCommand()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
