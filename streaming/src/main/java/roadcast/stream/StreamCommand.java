package roadcast.stream;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.publish.DayArchive;
import roadcast.publish.KafkaOutputs;

/**
 * {@code roadcast stream}: the forecasting job against any Kafka, on a local mini-cluster; also the main class for
 * {@code flink run} (the same flags after the jar), where it runs on that cluster.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = {"Runs the streaming forecaster: reads speed readings from the input topic, cleans them with the "
                + "model's credibility rules, forecasts every zone at the end of each time step and writes one forecast "
                + "per segment to the output topic (exactly-once: visible to read_committed consumers when a checkpoint "
                + "completes). Refused records go to the dead-letter topic with their reason.",
                "Runs until stopped (Ctrl-C). Runs on a local Flink mini-cluster; submitted with "
                        + "'flink run -c roadcast.stream.StreamCommand roadcast.jar --bootstrap-servers ... --registry ...' it "
                        + "runs on that cluster (the registry folder must then be readable by every task manager)."})
public final class StreamCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions.Checkpoints checkpoints = new JobOptions.Checkpoints();

    @Mixin
    JobOptions.Release release = new JobOptions.Release();

    @Mixin
    JobOptions.Lateness lateness = new JobOptions.Lateness();

    @Mixin
    JobOptions.Engine engine = new JobOptions.Engine();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--registry", paramLabel = "DIR", defaultValue = "models",
            description = "Model registry folder written by 'roadcast train' (default: ${DEFAULT-VALUE}). The job starts "
                    + "with its latest model and switches to newer ones as they are published.")
    Path registry;

    @Option(names = "--model-version", paramLabel = "VERSION",
            description = "Start with this registry version (default: the latest).")
    String modelVersion;

    @Option(names = "--input-topic", defaultValue = "roadcast.speed",
            description = "Topic of speed readings, JSON keyed by segment (default: ${DEFAULT-VALUE}).")
    String inputTopic;

    @Option(names = "--output-topic", defaultValue = "roadcast.forecast",
            description = "Topic for forecasts, JSON keyed by segment (default: ${DEFAULT-VALUE}).")
    String outputTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "roadcast.speed.rejected",
            description = "Topic for refused input records with the reason (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--group-id", defaultValue = "roadcast-forecast",
            description = "Kafka consumer group of the input and prefix of the sinks' transactional ids; unique per "
                    + "running job (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR|URI",
            description = "Where checkpoints go: a folder, or a URI such as file:///shared/checkpoints or "
                    + "s3://bucket/checkpoints, reachable by the JobManager and every TaskManager. The last one is kept "
                    + "when the job is cancelled (default: JobManager memory, lost when the job stops).")
    String checkpointDir;

    @Option(names = "--out-of-orderness", paramLabel = "DURATION", defaultValue = "PT0S",
            description = "Bounded out-of-orderness of event time, ISO-8601 (default: ${DEFAULT-VALUE}; the model's "
                    + "allowed lateness already keeps each step open after its end).")
    Duration outOfOrderness;

    @Option(names = "--idleness", paramLabel = "DURATION", defaultValue = "PT10S",
            description = "A source subtask without readings for this long stops holding event time back, so steps "
                    + "still close when some partitions carry no readings or a subtask has no partition at all "
                    + "(parallelism above the partition count); PT0S = off (default: ${DEFAULT-VALUE}).")
    Duration idleness;

    @Option(names = "--close-when-complete",
            description = "Forecast a zone's step as soon as every segment of the zone has a reading, instead of when "
                    + "event time passes the step's end plus the allowed lateness; later readings of that step (e.g. a "
                    + "second source) are then refused as too late. Cuts the lag to about the checkpoint interval.")
    boolean closeWhenComplete;

    @Option(names = "--close-when-expected",
            description = "Forecast a zone's step as soon as every segment that reported in the zone's previous step "
                    + "has reported, without waiting for segments that were silent then (a sensor in a dropout; the "
                    + "quiet period and event time stay the fallbacks). A silent segment whose reading comes after all "
                    + "the others of its zone is refused as too late and awaited in the next step. A step that still awaits "
                    + "only one or a few segments (at most 1 %%) closes after a tenth of --close-after-quiet. Cuts the lag where "
                    + "zones are rarely complete (default: off: forecasts equal the backtest's).")
    boolean closeWhenExpected;

    @Option(names = "--future-check", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Refuse readings stamped further ahead of the wall clock than the model allows (default: on; "
                    + "turn off to replay data whose clock runs ahead of real time).")
    boolean futureCheck;

    @Option(names = "--forecast-on-every-update",
            description = "Also issue a provisional forecast on every accepted reading, not only when a step closes.")
    boolean everyUpdate;

    @Option(names = "--model-poll", paramLabel = "DURATION", defaultValue = "PT5S",
            description = "How often to look for a newer model in the registry; PT0S = never (default: ${DEFAULT-VALUE}).")
    Duration modelPoll;

    @Option(names = "--archive", paramLabel = "DIR",
            description = "Also write accepted readings as day-partitioned CSV (DIR/day=YYYY-MM-DD/part-*.csv, finished "
                    + "at checkpoints) with a README and the network: a data set that `roadcast train --dataset DIR` "
                    + "reads, for the daily retrain (default: none, nothing archived).")
    Path archive;

    public static void main(String[] args) {
        // No System.exit: submitted through the REST API or web UI this main runs inside the JobManager, and exiting
        // would take the whole cluster down (seen in StandaloneClusterTest). A failure still fails the submission.
        int code = new CommandLine(new StreamCommand()).execute(args);
        if (code != 0) {
            throw new IllegalStateException("roadcast stream failed with exit code " + code);
        }
    }

    @Override
    public Integer call() throws Exception {
        ForecastJob job;
        try {
            job = build();
        } catch (java.io.IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("cannot start the forecast job: " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().printf("forecasting %d segments in %d zones with model %s: %s -> %s (dead letters: %s)%n",
                job.layout().size(), job.layout().zoneCount(), job.model().version(), inputTopic, outputTopic,
                deadLetterTopic);
        job.execute();
        return 0;
    }

    /** The job these options describe. */
    public ForecastJob build() throws java.io.IOException {
        JobConfig cfg = JobOptions.apply(JobConfig.defaults(registry)
                .withModelVersion(modelVersion)
                // the folder here, the interval from --checkpoint-interval (JobOptions.Checkpoints)
                .withCheckpoints(JobConfig.DEFAULT_CHECKPOINT_INTERVAL, checkpointDir)
                .withEventTime(outOfOrderness, idleness, null, null)
                .withForecastOnEveryUpdate(everyUpdate)
                .withCloseWhenComplete(closeWhenComplete)
                .withCloseWhenExpected(closeWhenExpected)
                .withModelPoll(modelPoll)
                .withJobName("roadcast-forecast " + inputTopic + " -> " + outputTopic),
                checkpoints, release, lateness, engine);
        ForecastJob job = new ForecastJob(
                ExactlyOnceKafka.source(bootstrapServers, inputTopic, groupId, new RawRecordDeserializer()),
                KafkaOutputs.forecasts(bootstrapServers, outputTopic, groupId, release.delivery(), engine.forecastFormat()),
                KafkaOutputs.deadLetters(bootstrapServers, deadLetterTopic, groupId), cfg)
                .withFutureCheck(futureCheck);
        if (archive != null) {
            DayArchive.describe(archive, job.model());
            job.withArchive(DayArchive.sink(archive, job.model().timeZone()));
        }
        LOG.info("stream job built: {} -> {}", inputTopic, outputTopic);
        return job;
    }
}
