package roadcast.publish;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastValues;
import roadcast.forecast.Forecasts;
import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneIssue;
import roadcast.forecast.ZoneState;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.model.ZoneModel;

/**
 * What publishing a forecast costs the zone operator's thread, part by part, not part of the suite: on a trained
 * model (a {@code bench-stream --registry} directory), every zone is forecast by the real kernel (timed alone as
 * {@code kernel}, per segment) and its forecasts
 * turned into records ({@link Forecasts#toRecords}) or issued as the zone operator does ({@link ZoneIssue}), encoded
 * ({@link ForecastRecordSerializer}) and, with {@code kafka}, handed to a Kafka producer of the sink's settings and
 * of variants of them in turn (embedded broker). Phases alternate round by round in one JVM, so their ratios are
 * measured under the same load; figures are the thread's CPU time (ThreadMXBean), not wall clock, since the machine
 * is shared. Prints and writes JSON. Run from the project root after {@code mvn -B -q -o -pl streaming -am test-compile} and a build that wrote
 * {@code app/target/classpath.txt}:
 * <pre>
 * java -Xmx3g -cp streaming/target/classes:streaming/target/test-classes:$(cat app/target/classpath.txt) \
 *     roadcast.publish.PublishCostBenchmark REGISTRY_DIR [rounds 20] [out.json] [kafka]
 * </pre>
 */
public final class PublishCostBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PublishCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path registry = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path out = Path.of(args.length > 2 ? args[2] : "publish-cost.json");
        boolean kafka = args.length > 3 && args[3].equals("kafka");
        ManifoldModel model = new ModelRegistry(registry).loadLatest().orElseThrow();
        int zones = model.zoneCount();
        int horizons = model.horizonsMin().length;
        ZoneForecast[] forecasts = new ZoneForecast[zones];
        // kept for the kernel phase: the zone operator forecasts every zone's own state each step
        ZoneForecaster[] kernels = new ZoneForecaster[zones];
        ZoneState[] states = new ZoneState[zones];
        float[][] observed = new float[zones][];
        SplittableRandom rnd = new SplittableRandom(7);
        long step = model.step().toMillis();
        long t0 = 1_700_000_000_000L / step * step;
        int segments = 0;
        for (int z = 0; z < zones; z++) {
            ZoneModel zm = model.zone(z);
            int n = zm.size();
            segments += n;
            ZoneForecaster kernel = new ZoneForecaster(zm);
            ZoneState state = kernel.newState();
            float[] speeds = new float[n];
            for (int k = 0; k < 6; k++) {
                for (int i = 0; i < n; i++) {
                    double free = model.freeFlowSpeed(zm.segment(i));
                    speeds[i] = rnd.nextInt(200) == 0 ? Float.NaN : (float) (free * (0.4 + 0.6 * rnd.nextDouble()));
                }
                kernel.observe(state, t0 + k * step, speeds);
            }
            forecasts[z] = new ZoneForecast(horizons, n);
            kernel.forecast(state, forecasts[z]);
            kernels[z] = kernel;
            states[z] = state;
            observed[z] = speeds.clone();
        }
        System.out.printf("model %s: %d zones, %d segments, %d horizons%n", model.version(), zones, segments,
                horizons);

        Map<String, long[]> cpu = new LinkedHashMap<>();
        List<String> phases = new ArrayList<>(List.of("kernel", "toRecords", "toRecords+json", "issue", "issue+json",
                "json-only", "writer-only"));
        // What the zone operator does instead of toRecords: a ZoneIssue per zone and step (layouts made once per
        // model), its segments encoded straight from it.
        ZoneIssue.Layout[] layouts = new ZoneIssue.Layout[zones];
        for (int z = 0; z < zones; z++) {
            layouts[z] = new ZoneIssue.Layout(model, z);
        }
        List<List<Forecast>> built = new ArrayList<>();
        for (int z = 0; z < zones; z++) {
            built.add(Forecasts.toRecords(model, z, forecasts[z], observed[z]));
        }
        roadcast.forecast.ForecastJsonWriter writer = new roadcast.forecast.ForecastJsonWriter();
        // -Dbench.baseline=CLASS: another writer (a Function<ForecastValues, byte[]> on the class path, e.g. the
        // writer of an older build renamed) timed beside this build's in the same rounds, on ready records and on a
        // zone issue's segments (issue+writer: what the zone operator's sink encodes, without the Kafka record).
        String baselineClass = System.getProperty("bench.baseline");
        @SuppressWarnings("unchecked")
        java.util.function.Function<ForecastValues, byte[]> baseline = baselineClass == null ? null
                : (java.util.function.Function<ForecastValues, byte[]>) Class.forName(baselineClass)
                        .getDeclaredConstructor().newInstance();
        phases.add("issue+writer");
        if (baseline != null) {
            phases.add("baseline-writer-only");
            phases.add("baseline-issue+writer");
        }
        // -Dbench.phases=a,b: only these phases, in this order (a profile of one path, e.g. issue+json, the zone
        // operator's; or a pair run in both orders, since the first phase of a round runs on a cache the one before
        // left)
        String only = System.getProperty("bench.phases");
        if (only != null) {
            List<String> known = List.copyOf(phases);
            phases.clear();
            for (String phase : only.split(",")) {
                if (known.contains(phase)) {
                    phases.add(phase);
                }
            }
        }
        ForecastRecordSerializer json = new ForecastRecordSerializer("roadcast.forecast");
        json.open(null, null);
        long bytes = 0;
        EmbeddedKafka broker = null;
        Map<String, KafkaProducer<byte[], byte[]>> producers = new LinkedHashMap<>();
        if (kafka) {
            broker = new EmbeddedKafka().start();
            // The sink's producer settings (ExactlyOnceKafka, exactly once: LZ4, 5 ms linger, 256 KB batches), then
            // one change each; not transactional (transactions cost per batch and commit, not per record).
            Map<String, Map<String, String>> variants = new LinkedHashMap<>();
            variants.put("lz4", Map.of());
            variants.put("lz4,linger0", Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
            variants.put("lz4,linger50", Map.of(ProducerConfig.LINGER_MS_CONFIG, "50"));
            variants.put("none", Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"));
            variants.put("snappy", Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "snappy"));
            variants.put("zstd", Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"));
            for (Map.Entry<String, Map<String, String>> v : variants.entrySet()) {
                String topic = "bench-" + v.getKey().replace(',', '-');
                broker.createTopics(topic);
                Properties p = ExactlyOnceKafka.producerProperties();
                p.remove(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
                p.putAll(v.getValue());
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
                producers.put(topic, new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
                phases.add("toRecords+json+send[" + v.getKey() + "]");
            }
        }
        for (String phase : phases) {
            cpu.put(phase, new long[2]);
        }
        for (int r = 0; r < rounds; r++) {
            // The first rounds warm the JIT up and are not counted.
            boolean counted = r >= rounds / 4;
            for (String phase : phases) {
                long start = THREADS.getCurrentThreadCpuTime();
                long records = 0;
                for (int z = 0; z < zones; z++) {
                    if (phase.equals("kernel")) {
                        // the kernel's forecast per segment, into the zone's own buffer (as ZoneOperator.emit)
                        kernels[z].forecast(states[z], forecasts[z]);
                        records += forecasts[z].segments();
                        continue;
                    }
                    if (phase.equals("json-only")) {
                        for (Forecast f : built.get(z)) {
                            bytes += json.serialize(new IssuedForecast(f, t0), null, null).value().length;
                        }
                        records += built.get(z).size();
                        continue;
                    }
                    if (phase.equals("baseline-writer-only")) {
                        for (Forecast f : built.get(z)) {
                            bytes += baseline.apply(f).length;
                        }
                        records += built.get(z).size();
                        continue;
                    }
                    if (phase.equals("writer-only")) {
                        for (Forecast f : built.get(z)) {
                            bytes += writer.toBytes(f).length;
                        }
                        records += built.get(z).size();
                        continue;
                    }
                    if (phase.endsWith("issue+writer")) {
                        ZoneIssue issue = new ZoneIssue(layouts[z], forecasts[z], observed[z]);
                        records += issue.size();
                        java.util.function.Function<ForecastValues, byte[]> w = phase.startsWith("baseline")
                                ? baseline : writer::toBytes;
                        for (int i = 0; i < issue.size(); i++) {
                            bytes += w.apply(issue.segment(i)).length;
                        }
                        continue;
                    }
                    if (phase.startsWith("issue")) {
                        ZoneIssue issue = new ZoneIssue(layouts[z], forecasts[z], observed[z]);
                        records += issue.size();
                        for (int i = 0; phase.equals("issue+json") && i < issue.size(); i++) {
                            bytes += json.serialize(new IssuedForecast(issue.segment(i), t0), null, null)
                                    .value().length;
                        }
                        continue;
                    }
                    List<Forecast> records1 = Forecasts.toRecords(model, z, forecasts[z], observed[z]);
                    records += records1.size();
                    if (phase.equals("toRecords")) {
                        continue;
                    }
                    String topic = phase.startsWith("toRecords+json+send[")
                            ? "bench-" + phase.substring(phase.indexOf('[') + 1, phase.length() - 1).replace(',', '-')
                            : null;
                    for (Forecast f : records1) {
                        ProducerRecord<byte[], byte[]> pr = json.serialize(new IssuedForecast(f, t0), null, null);
                        bytes += pr.value().length;
                        if (topic != null) {
                            producers.get(topic).send(new ProducerRecord<>(topic, null, pr.timestamp(), pr.key(),
                                    pr.value()));
                        }
                    }
                }
                long ns = THREADS.getCurrentThreadCpuTime() - start;
                if (counted) {
                    cpu.get(phase)[0] += ns;
                    cpu.get(phase)[1] += records;
                }
            }
            for (KafkaProducer<byte[], byte[]> p : producers.values()) {
                p.flush();
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model.version());
        result.put("segments", segments);
        result.put("horizons", horizons);
        result.put("rounds_counted", rounds - rounds / 4);
        Map<String, Object> nsPerRecord = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : cpu.entrySet()) {
            double ns = e.getValue()[0] / (double) e.getValue()[1];
            nsPerRecord.put(e.getKey(), Math.round(ns * 10) / 10.0);
            System.out.printf("%-32s %8.1f ns/record (thread CPU)%n", e.getKey(), ns);
        }
        result.put("cpu_ns_per_record", nsPerRecord);
        long encoded = 0;
        for (List<Forecast> zone : built) {
            for (Forecast f : zone) {
                encoded += writer.toBytes(f).length;
            }
        }
        // bytes: every phase's output summed, so that no encoding is optimised away
        result.put("json_bytes_per_record", Math.round(encoded / (double) segments));
        result.put("bytes_all_phases", bytes);
        for (KafkaProducer<byte[], byte[]> p : producers.values()) {
            p.close();
        }
        if (broker != null) {
            // What each variant leaves in the broker's log per record (segment files of the topic's one partition):
            // what compression saves on disk and on the wire.
            Map<String, Object> logBytes = new LinkedHashMap<>();
            long sent = (long) segments * rounds;
            for (String topic : producers.keySet()) {
                try (var files = Files.walk(broker.logDirectory().resolve(topic + "-0"))) {
                    long total = files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length())
                            .sum();
                    logBytes.put(topic, Math.round(total / (double) sent));
                    System.out.printf("%-32s %8d log bytes/record%n", topic, Math.round(total / (double) sent));
                }
            }
            result.put("log_bytes_per_record", logBytes);
            broker.close();
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        System.out.println("wrote " + out.toAbsolutePath() + (Files.exists(out) ? "" : " (missing?)"));
    }
}
