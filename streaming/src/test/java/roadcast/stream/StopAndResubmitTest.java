package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecord;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.publish.KafkaOutputs;

/**
 * The operator's procedure: stop the job with a savepoint ({@code flink stop --savepointPath}), resubmit from it
 * ({@code flink run -s}); the read_committed output must hold every forecast of the backtest once. A resubmission
 * without a savepoint must at least not re-issue what was already committed (it resumes at the group's committed
 * offsets, not at the earliest).
 */
class StopAndResubmitTest {

    static final String IN = "roadcast.speed.resubmit";
    static final String OUT = "roadcast.forecast.resubmit";
    static final String REJECTED = "roadcast.speed.rejected.resubmit";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    static EmbeddedKafka kafka;
    static SmallCity city;
    static Path registry;
    static String version;
    static final int FROM = 2 * 288;

    @BeforeAll
    static void setUp() throws Exception {
        kafka = new EmbeddedKafka().start();
        kafka.createTopics(IN, OUT, REJECTED);
        city = SmallCity.generate("r", 3, 29);
        registry = tmp.resolve("registry");
        version = city.publish(registry, FROM, 3);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static void publish(int fromRow, int toRow) {
        publish(IN, fromRow, toRow);
    }

    static void publish(String topic, int fromRow, int toRow) {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()))) {
            for (RawRecord r : city.records(fromRow, toRow)) {
                producer.send(new ProducerRecord<>(topic, r.key, r.value));
            }
        }
    }

    static JobClient submit(String restoreFrom) throws Exception {
        return submit(restoreFrom, IN, OUT, REJECTED, "resubmit", 1);
    }

    static JobClient submit(String restoreFrom, String in, String out, String rejected, String group, int parallelism)
            throws Exception {
        return submit(restoreFrom, in, out, rejected, group, parallelism, true);
    }

    static JobClient submit(String restoreFrom, String in, String out, String rejected, String group, int parallelism,
                            boolean futureCheck) throws Exception {
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null).withParallelism(parallelism)
                .withCheckpoints(Duration.ofMillis(300), tmp.resolve("checkpoints-" + group));
        if (parallelism > 1) {
            // a source subtask without a partition holds event time until it is declared idle: after 1 s rather than
            // the default 10 s (IdleSubtaskTest covers the default); the input is all in the topic before the job runs
            cfg = cfg.withEventTime(Duration.ZERO, Duration.ofSeconds(1), null, null);
        }
        ForecastJob job = new ForecastJob(
                ExactlyOnceKafka.source(kafka.bootstrapServers(), in, group, new RawRecordDeserializer()),
                KafkaOutputs.forecasts(kafka.bootstrapServers(), out, group),
                KafkaOutputs.deadLetters(kafka.bootstrapServers(), rejected, group), cfg)
                .withFlinkOption("restart-strategy.type", "none").withFutureCheck(futureCheck);
        if (restoreFrom != null) {
            job.withFlinkOption("execution.state-recovery.path", restoreFrom);
        }
        return job.executeAsync();
    }

    static void awaitGroupOffset(long atLeast, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            while (true) {
                var offsets = admin.listConsumerGroupOffsets("resubmit").partitionsToOffsetAndMetadata().get();
                var p0 = offsets.get(new org.apache.kafka.common.TopicPartition(IN, 0));
                if (p0 != null && p0.offset() >= atLeast) {
                    return;
                }
                assertTrue(System.nanoTime() < deadline, "group offsets did not reach " + atLeast + ": " + offsets);
                Thread.sleep(200);
            }
        }
    }

    @Test
    void stopWithSavepointAndResubmitLosesAndDuplicatesNothing() throws Exception {
        int n = city.history.segments();
        // Run 1: ten steps; event time at the start of step 9 closes steps 0..6.
        publish(FROM, FROM + 10);
        JobClient first = submit(null);
        // (the final read of the whole topic checks that nothing came twice: no quiet period here)
        assertEquals(7 * n, CommittedTopic.readAtLeast(kafka, OUT, 7 * n, Duration.ofSeconds(60)).size());
        String savepoint = first.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();

        // Run 2 from the savepoint: ten more steps; steps 7..16 close. Steps 7..9 were open in the savepoint.
        publish(FROM + 10, FROM + 20);
        JobClient second = submit(savepoint);
        List<ConsumerRecord<byte[], byte[]>> out;
        try {
            out = CommittedTopic.read(kafka, OUT, 17 * n, Duration.ofSeconds(60));
            // The source commits its position to the group at every completed checkpoint (asynchronously: the
            // commit reaches the broker with the consumer's next poll); a resubmission without a savepoint starts there.
            awaitGroupOffset(20L * n, Duration.ofSeconds(60));
        } finally {
            second.cancel().get();
        }
        assertEachForecastOnceAsBacktest(out, 17);

        // Run 3, submitted without a savepoint (the mistake the old docs invited): it must resume at the committed
        // offsets and issue nothing of steps 0..16 again.
        publish(FROM + 20, FROM + 24);
        JobClient third = submit(null);
        List<ConsumerRecord<byte[], byte[]>> after;
        try {
            after = CommittedTopic.read(kafka, OUT, 17 * n + n, Duration.ofSeconds(60));
        } finally {
            third.cancel().get();
        }
        Map<String, Integer> count = new HashMap<>();
        long lastOfRun2 = city.history.epochMillis(FROM + 16);
        int upToRun2 = 0;
        for (ConsumerRecord<byte[], byte[]> r : after) {
            Forecast f = ForecastJson.fromBytes(r.value());
            count.merge(SmallCity.key(f), 1, Integer::sum);
            if (f.issuedAt() <= lastOfRun2) {
                upToRun2++;
            }
        }
        // Steps 17..19 were open (not forecast) when run 2 was cancelled: run 3, without that state, may forecast them
        // from what it reads after the committed offsets, but nothing of steps 0..16 again.
        assertEquals(17 * n, upToRun2, "forecasts of steps 0..16 after run 3");
        assertTrue(count.values().stream().allMatch(c -> c == 1), "re-issued after resubmission: "
                + count.entrySet().stream().filter(e -> e.getValue() > 1).limit(5).toList());
        assertTrue(after.size() > 17 * n, "run 3 forecast its own steps");
    }

    @Test
    void rescaleOneTwoOneThroughSavepointsGivesTheBacktestOnce() throws Exception {
        String in = "roadcast.speed.rescale";
        String out = "roadcast.forecast.rescale";
        String rejected = "roadcast.speed.rejected.rescale";
        // One partition: at parallelism 2 one source subtask has none and goes idle (after 1 s, see submit) instead of
        // holding event time.
        // (Watermarks are assigned after parsing, so a multi-partition backlog read one partition after another
        // would make the second partition's readings late; see the report of issue 10.)
        kafka.createTopics(in, out, rejected);
        int n = city.history.segments();
        String savepoints = tmp.resolve("savepoints-rescale").toUri().toString();

        publish(in, FROM, FROM + 8); // rows 0..7: event time at row 7 closes steps 0..4 at parallelism 1
        JobClient one = submit(null, in, out, rejected, "rescale", 1);
        assertEquals(5 * n, CommittedTopic.readAtLeast(kafka, out, 5 * n, Duration.ofSeconds(60)).size());
        String first = one.stopWithSavepoint(false, savepoints, SavepointFormatType.CANONICAL).get();

        publish(in, FROM + 8, FROM + 16); // steps 5..12 close at parallelism 2
        JobClient two = submit(first, in, out, rejected, "rescale", 2);
        assertEquals(13 * n, CommittedTopic.readAtLeast(kafka, out, 13 * n, Duration.ofSeconds(60)).size());
        String second = two.stopWithSavepoint(false, savepoints, SavepointFormatType.CANONICAL).get();

        publish(in, FROM + 16, FROM + 24); // steps 13..20 close at parallelism 1 again
        JobClient back = submit(second, in, out, rejected, "rescale", 1);
        List<ConsumerRecord<byte[], byte[]>> all;
        try {
            all = CommittedTopic.read(kafka, out, 21 * n, Duration.ofSeconds(60));
        } finally {
            back.cancel().get();
        }
        assertEachForecastOnceAsBacktest(all, 21);
    }

    /**
     * Issue 10: with the future check off, a reading's time may lead the newest time accepted by at most a year. That
     * reference must survive a restore: a far-future record that is the first of its partition after the restore
     * must not move the watermark (which would close every open step and leave the later readings refused as late).
     */
    @Test
    void farFutureFirstRecordAfterRestoreWithoutFutureCheckDoesNotMoveEventTime() throws Exception {
        String in = "roadcast.speed.nofuture";
        String out = "roadcast.forecast.nofuture";
        String rejected = "roadcast.speed.rejected.nofuture";
        kafka.createTopics(in, out, rejected);
        int n = city.history.segments();
        String savepoints = tmp.resolve("savepoints-nofuture").toUri().toString();

        publish(in, FROM, FROM + 10); // steps 0..6 close
        JobClient first = submit(null, in, out, rejected, "nofuture", 1, false);
        assertEquals(7 * n, CommittedTopic.readAtLeast(kafka, out, 7 * n, Duration.ofSeconds(60)).size());
        String savepoint = first.stopWithSavepoint(false, savepoints, SavepointFormatType.CANONICAL).get();

        // The first record of the partition after the restore: five years ahead of the data.
        String s = city.history.segmentIds()[0];
        String farFuture = "{\"segment\":\"" + s + "\",\"time\":\""
                + java.time.Instant.ofEpochMilli(city.history.epochMillis(FROM + 10)).plus(Duration.ofDays(5 * 365))
                + "\",\"speed\":50}";
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(in, s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    farFuture.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        publish(in, FROM + 10, FROM + 20); // steps 7..16 close
        JobClient second = submit(savepoint, in, out, rejected, "nofuture", 1, false);
        List<ConsumerRecord<byte[], byte[]>> all;
        List<ConsumerRecord<byte[], byte[]>> letters;
        try {
            all = CommittedTopic.read(kafka, out, 17 * n, Duration.ofSeconds(20));
            letters = CommittedTopic.read(kafka, rejected, 1, Duration.ofSeconds(10));
        } finally {
            second.cancel().get();
        }
        Map<String, Integer> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            roadcast.ingest.DeadLetter d = roadcast.ingest.DeadLetterJson.decode(r.value());
            reasons.merge(d.reason().name() + (d.payload().equals(farFuture) ? " (far-future record)" : ""), 1,
                    Integer::sum);
        }
        assertEquals(Map.of("TOO_FAR_IN_FUTURE (far-future record)", 1), reasons,
                "only the far-future record is refused (no reading refused as too late)");
        assertEachForecastOnceAsBacktest(all, 17);
    }

    /**
     * The committed output of steps 0..steps-1: every forecast of the backtest, none twice, equal to it to the wire's
     * two decimals (observed speed, speeds and upper band).
     */
    private void assertEachForecastOnceAsBacktest(List<ConsumerRecord<byte[], byte[]>> records, int steps)
            throws Exception {
        int n = city.history.segments();
        Map<String, Forecast> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Forecast f = ForecastJson.fromBytes(r.value());
            seen.put(SmallCity.key(f), f);
        }
        assertEquals(steps * n, records.size(), "no forecast twice");
        Map<String, Forecast> expected = city.backtest(registry, version, FROM, FROM + steps).forecasts();
        assertEquals(expected.keySet(), seen.keySet(), "every forecast of steps 0.." + (steps - 1));
        for (Forecast e : expected.values()) {
            Forecast a = seen.get(SmallCity.key(e));
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.005 + 1e-9, SmallCity.key(e));
            assertArrayEquals(e.speed(), a.speed(), 0.005 + 1e-9, SmallCity.key(e));
            assertArrayEquals(e.upper(), a.upper(), 0.005 + 1e-9, SmallCity.key(e));
        }
    }
}
