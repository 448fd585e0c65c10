package roadcast.fuzz;

import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import roadcast.scratch.ScratchDirectory;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.demo.DemoCommand;
import roadcast.forecast.ForecastJson;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.DeadLetterJson;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.model.ModelRegistry;
import roadcast.publish.KafkaOutputs;
import roadcast.stream.ForecastJob;
import roadcast.stream.JobConfig;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;
import roadcast.train.TrainingRun;

/**
 * One fuzz run: a generated city and its model, an embedded broker, the forecast job running on a local mini-cluster
 * (as {@code roadcast stream} runs it, replay mode), a {@link HostileRecords} feed on its input topic; then every
 * input record is looked for on the dead-letter topic (by its offset) and among the accepted readings (the job's
 * archive output, written to a topic), and the forecasts of the clean steps at the end are counted.
 */
public final class FuzzRun {

    static final String IN = "fuzz.in";
    static final String OUT = "fuzz.out";
    static final String REJECTED = "fuzz.rejected";
    static final String ACCEPTED = "fuzz.accepted";
    static final int TAIL_STEPS = 6;
    /** Steps of valid history published (and stored by the follower) before the fuzz. */
    static final int HISTORY_STEPS = 12;

    private FuzzRun() {
    }

    /** The job alone (no serving follower). */
    public static ObjectNode run(int records, long seed, int segments, Duration settle, PrintWriter out)
            throws Exception {
        return run(records, seed, segments, settle, null, out);
    }

    /**
     * Runs and returns the report (also the JSON of {@code roadcast fuzz}).
     *
     * @param servingClasspath the serving module's classpath: {@code roadcast serve} then follows the input and
     *                         forecast topics in its own JVM through the whole run; null = the job alone
     */
    public static ObjectNode run(int records, long seed, int segments, Duration settle, List<String> servingClasspath,
                                 PrintWriter out) throws Exception {
        // the city, registry, checkpoints and the follower's store: deleted at the end and on Ctrl-C, as bench-stream's
        try (ScratchDirectory work = ScratchDirectory.create("roadcast-fuzz")) {
            return run(records, seed, segments, settle, servingClasspath, out, work.path());
        }
    }

    private static ObjectNode run(int records, long seed, int segments, Duration settle, List<String> servingClasspath,
                                  PrintWriter out, Path work) throws Exception {
        long started = System.nanoTime();
        int trainDays = 3;
        int rows = HostileRecords.rowsNeeded(records, segments);
        int days = trainDays + (rows + 287) / 288 + 1;
        CityConfig city = CityConfig.of(segments, days, 5, seed, WeekProfiles.sharedOrBuiltIn(seed));
        out.printf("generating a city of %d segments, %d days; training on %d days%n", segments, days, trainDays);
        out.flush();
        new CityGenerator(city).generate(work.resolve("city"), step -> { });
        Dataset data = DatasetLoader.load(work.resolve("city"));
        int trainRows = trainDays * 288;
        var training = TrainingRun.train(data, trainRows, DemoCommand.trainingConfig(data).withFixed(5, 2, 1.0),
                (stage, done, total) -> { });
        Path registry = work.resolve("registry");
        new ModelRegistry(registry).publish(training.model());
        out.printf("model trained (%.0f s); starting the broker and the job%n", (System.nanoTime() - started) / 1e9);
        out.flush();

        int feedRows = Math.min(rows, data.history().steps() - trainRows);
        float[][] speeds = new float[feedRows][];
        long[] times = new long[feedRows];
        for (int r = 0; r < feedRows; r++) {
            speeds[r] = data.history().speed()[trainRows + r];
            times[r] = data.history().epochMillis(trainRows + r);
        }
        HostileRecords feed = new HostileRecords(data.history().segmentIds(), speeds, times, records, TAIL_STEPS, 0.4,
                seed);

        int restPort;
        try (ServerSocket s = new ServerSocket(0)) {
            restPort = s.getLocalPort();
        }
        ObjectNode report = new ObjectMapper().createObjectNode();
        try (EmbeddedKafka kafka = new EmbeddedKafka(1, Map.of("message.max.bytes", Integer.toString(4 << 20)))
                .start()) {
            String bs = kafka.bootstrapServers();
            kafka.createTopics(IN, OUT, ACCEPTED);
            // The dead-letter topic keeps Kafka's default record limit: every dead letter must fit it.
            kafka.createTopics(1, Map.of("max.message.bytes", "1048588"), REJECTED);
            JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                    .withCheckpoints(Duration.ofMillis(500), work.resolve("checkpoints"))
                    .withJobName("roadcast fuzz");
            JobClient job = new ForecastJob(
                    ExactlyOnceKafka.source(bs, IN, "fuzz", new RawRecordDeserializer()),
                    KafkaOutputs.forecasts(bs, OUT, "fuzz"), KafkaOutputs.deadLetters(bs, REJECTED, "fuzz"), cfg)
                    .withFutureCheck(false)
                    .withArchive(ExactlyOnceKafka.sink(bs, "fuzz-accepted", new AcceptedRecordSerializer(ACCEPTED)))
                    .withFlinkOption("restart-strategy.type", "fixed-delay")
                    .withFlinkOption("restart-strategy.fixed-delay.attempts", "1000")
                    .withFlinkOption("restart-strategy.fixed-delay.delay", "1 s")
                    .withFlinkOption("rest.port", Integer.toString(restPort))
                    .executeAsync();
            ServingFollower follower = null;
            try {
                if (servingClasspath != null) {
                    follower = ServingFollower.start(servingClasspath, registry, bs, OUT, IN, work, out);
                }
                // History written before the fuzz: valid readings of the last training steps, stored by the
                // follower before the first hostile record; they must still be readable afterwards.
                long base = publishHistory(bs, data.history(), trainRows - HISTORY_STEPS, trainRows);
                if (follower != null) {
                    follower.snapshotHistory(data.history(), trainRows - HISTORY_STEPS, trainRows, base);
                }
                HostileRecords.Kind[] kindOf = publish(bs, feed, records, base, out);
                Accounting acc = account(bs, records, base, settle, out);
                out.println("every record accounted for or settled; reading the forecasts");
                out.flush();
                long tailStart = feed.tailStartMillis();
                int forecasts = 0;
                int forecastsAfter = 0;
                for (ConsumerRecord<byte[], byte[]> r : readAll(bs, OUT, Duration.ofSeconds(3))) {
                    forecasts++;
                    if (ForecastJson.fromBytes(r.value()).issuedAt() >= tailStart) {
                        forecastsAfter++;
                    }
                }
                int restarts = restarts(restPort, job.getJobID().toHexString());
                String status = job.getJobStatus().get().name();

                Set<Long> both = new HashSet<>(acc.accepted);
                both.retainAll(acc.rejected.keySet());
                Map<String, Map<String, Integer>> byKind = new TreeMap<>();
                Map<String, Integer> byReason = new TreeMap<>();
                Map<HostileRecords.Kind, Integer> unaccountedByKind = new EnumMap<>(HostileRecords.Kind.class);
                int unaccounted = 0;
                for (int o = 0; o < records; o++) {
                    String kind = kindOf[o] == null ? "UNKNOWN" : kindOf[o].name();
                    Map<String, Integer> k = byKind.computeIfAbsent(kind, x -> new TreeMap<>());
                    k.merge("records", 1, Integer::sum);
                    String reason = acc.rejected.get((long) o);
                    if (reason != null) {
                        k.merge(reason, 1, Integer::sum);
                        byReason.merge(reason, 1, Integer::sum);
                    } else if (acc.accepted.contains((long) o)) {
                        k.merge("ACCEPTED", 1, Integer::sum);
                    } else {
                        unaccounted++;
                        unaccountedByKind.merge(kindOf[o], 1, Integer::sum);
                    }
                }
                report.put("records", records);
                report.put("accepted", acc.accepted.size());
                report.put("rejected", acc.rejected.size());
                report.put("unaccounted", unaccounted);
                report.put("accepted_and_rejected", both.size());
                report.put("job_restarts", restarts);
                report.put("job_status", status);
                report.put("forecasts", forecasts);
                report.put("forecasts_after", forecastsAfter);
                report.put("tail_steps", TAIL_STEPS);
                report.put("segments", segments);
                report.put("largest_dead_letter_bytes", acc.largestDeadLetter);
                report.put("seed", seed);
                report.set("rejected_by_reason", new ObjectMapper().valueToTree(byReason));
                report.set("by_kind", new ObjectMapper().valueToTree(byKind));
                if (unaccounted > 0) {
                    report.set("unaccounted_by_kind", new ObjectMapper().valueToTree(unaccountedByKind));
                }
                if (follower != null) {
                    out.println("waiting for the serving follower to reach the end of both topics");
                    out.flush();
                    follower.report(bs, List.of(IN, OUT), report);
                }
                report.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
            } finally {
                if (follower != null) {
                    follower.close();
                }
                job.cancel().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        return report;
    }

    /** Valid readings of rows [from, to) on the input topic, before the fuzz; returns how many (the fuzz's first offset). */
    private static long publishHistory(String bs, roadcast.history.SpeedHistory h, int from, int to) throws Exception {
        long n = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bs))) {
            for (int t = from; t < to; t++) {
                for (int i = 0; i < h.segments(); i++) {
                    float v = h.speed()[t][i];
                    if (Float.isFinite(v)) {
                        var r = new roadcast.reading.SpeedReading(h.segmentIds()[i], h.epochMillis(t), v, Double.NaN,
                                Double.NaN, roadcast.reading.Source.LOOP);
                        producer.send(new ProducerRecord<>(IN, r.segment().getBytes(StandardCharsets.UTF_8),
                                roadcast.ingest.ReadingJson.encode(r))).get();
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static Properties producerProperties(String bs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 << 20));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** The fuzz feed; records are numbered by their offset minus {@code base}. */
    private static HostileRecords.Kind[] publish(String bs, HostileRecords feed, int records, long base,
                                                 PrintWriter out) throws Exception {
        Properties p = producerProperties(bs);
        HostileRecords.Kind[] kindOf = new HostileRecords.Kind[records];
        List<Exception> failures = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            int sent = 0;
            while (feed.hasNext()) {
                HostileRecords.Record r = feed.next();
                producer.send(new ProducerRecord<>(IN, r.key(), r.value()), (meta, e) -> {
                    if (e != null) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    } else if (meta.offset() >= base && meta.offset() - base < records) {
                        kindOf[(int) (meta.offset() - base)] = r.kind();
                    }
                });
                if (++sent % 20_000 == 0) {
                    out.printf("published %d of %d records%n", sent, records);
                    out.flush();
                }
            }
            producer.flush();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " records not published, first: " + failures.get(0));
        }
        return kindOf;
    }

    /** Offsets of input records accepted, and of those dead-lettered with their reason. */
    private record Accounting(Set<Long> accepted, Map<Long, String> rejected, int largestDeadLetter) {
    }

    private static Accounting account(String bs, int records, long base, Duration settle, PrintWriter out)
            throws Exception {
        Set<Long> accepted = new HashSet<>();
        Map<Long, String> rejected = new java.util.HashMap<>();
        int largest = 0;
        try (KafkaConsumer<byte[], byte[]> a = ExactlyOnceKafka.committedReader(bs, "fuzz-accepted-reader");
             KafkaConsumer<byte[], byte[]> d = ExactlyOnceKafka.committedReader(bs, "fuzz-rejected-reader")) {
            a.assign(List.of(new TopicPartition(ACCEPTED, 0)));
            a.seekToBeginning(a.assignment());
            d.assign(List.of(new TopicPartition(REJECTED, 0)));
            d.seekToBeginning(d.assignment());
            long lastProgress = System.nanoTime();
            long lastReport = 0;
            while (accepted.size() + rejected.size() < records
                    && System.nanoTime() - lastProgress < settle.toNanos()) {
                int before = accepted.size() + rejected.size();
                for (ConsumerRecord<byte[], byte[]> r : a.poll(Duration.ofMillis(200))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    long offset = Long.parseLong(key.substring(key.indexOf(':') + 1)) - base;
                    if (offset >= 0) {
                        accepted.add(offset);
                    }
                }
                for (ConsumerRecord<byte[], byte[]> r : d.poll(Duration.ofMillis(200))) {
                    largest = Math.max(largest, r.serializedValueSize() + Math.max(0, r.serializedKeySize()));
                    DeadLetter letter = DeadLetterJson.decode(r.value());
                    if (IN.equals(letter.topic()) && letter.offset() >= base) {
                        rejected.put(letter.offset() - base, letter.reason().name());
                    }
                }
                if (accepted.size() + rejected.size() > before) {
                    lastProgress = System.nanoTime();
                }
                if (System.nanoTime() - lastReport > 5e9) {
                    lastReport = System.nanoTime();
                    out.printf("accounted %d of %d (accepted %d, dead letters %d)%n", accepted.size() + rejected.size(),
                            records, accepted.size(), rejected.size());
                    out.flush();
                }
            }
        }
        return new Accounting(accepted, rejected, largest);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bs, String topic, Duration quiet) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = ExactlyOnceKafka.committedReader(bs, "fuzz-reader-" + topic)) {
            c.assign(List.of(new TopicPartition(topic, 0)));
            c.seekToBeginning(c.assignment());
            long last = System.nanoTime();
            while (System.nanoTime() - last < quiet.toNanos()) {
                var batch = c.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    batch.forEach(all::add);
                    last = System.nanoTime();
                }
            }
        }
        return all;
    }

    /**
     * The job's failures (each one a restart under the fixed-delay strategy), from the mini-cluster's REST API: the
     * entries of the job's exception history (the numRestarts metric reaches the REST API only after a fetch delay).
     */
    private static int restarts(int port, String jobId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/jobs/" + jobId + "/exceptions?maxExceptions=1000")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode history = new ObjectMapper().readTree(r.body()).path("exceptionHistory").path("entries");
        if (r.statusCode() != 200 || !history.isArray()) {
            throw new IllegalStateException("no exception history from the job (" + r.statusCode() + "): " + r.body());
        }
        return history.size();
    }
}
