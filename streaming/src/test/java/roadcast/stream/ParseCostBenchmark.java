package roadcast.stream;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import roadcast.ingest.ReadingJson;
import roadcast.kafka.RawRecord;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * What a reading costs the forecast job's source thread and the first step of the zone operator's, part by part,
 * not part of the suite (issue 12): records as the bench-stream feed writes them ({@link ReadingJson}, key = segment
 * id, 20,000 ids, one topic) are parsed as the source does ({@link InputParser}: JSON, checks, the event), written
 * to the wire to the zone operator ({@link ReadingEventSerializer}) and read back from it. Phases alternate round by
 * round in one JVM, so their ratios are measured under the same load; figures are the thread's CPU time
 * (ThreadMXBean) per record, since the machine is shared.
 *
 * <p>A/B against another build: {@code -Dbench.baselineParser=CLASS} (a {@code BiFunction<RawRecord, Long, ?>}
 * with a public no-arg constructor, e.g. an older parser renamed) and {@code -Dbench.baselineSerializer=CLASS} (a
 * {@code TypeSerializer<ReadingEvent>}) are timed beside this build's in the same rounds. Run from the project root
 * after {@code mvn -B -q -o -pl streaming -am test-compile} and a build that wrote {@code app/target/classpath.txt}:
 * <pre>
 * java -Xmx1g -cp streaming/target/classes:streaming/target/test-classes:$(cat app/target/classpath.txt) \
 *     roadcast.stream.ParseCostBenchmark [rounds 40]
 * </pre>
 */
public final class ParseCostBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int SEGMENTS = 20_000;

    private ParseCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        NetworkLayout layout = layout();
        InputParser parser = new InputParser(layout, false);
        List<RawRecord> records = feed(layout);
        @SuppressWarnings("unchecked")
        BiFunction<RawRecord, Long, ?> baselineParser = System.getProperty("bench.baselineParser") == null ? null
                : (BiFunction<RawRecord, Long, ?>) Class.forName(System.getProperty("bench.baselineParser"))
                        .getDeclaredConstructor().newInstance();
        @SuppressWarnings("unchecked")
        TypeSerializer<ReadingEvent> baselineSerializer = System.getProperty("bench.baselineSerializer") == null
                ? null : (TypeSerializer<ReadingEvent>) Class.forName(System.getProperty("bench.baselineSerializer"))
                        .getDeclaredConstructor().newInstance();

        // The events the zone operator receives, and their wire bytes in blocks as a network buffer holds them.
        ReadingEvent[] events = new ReadingEvent[records.size()];
        for (int i = 0; i < events.length; i++) {
            events[i] = parser.parse(records.get(i), Long.MIN_VALUE).reading;
        }
        Map<String, Phase> phases = new LinkedHashMap<>();
        long[] sink = new long[1]; // everything a phase produces is folded in here, so that nothing is optimised away
        phases.put("parse", () -> {
            for (RawRecord r : records) {
                sink[0] += parser.parse(r, Long.MIN_VALUE).reading.timeMillis;
            }
        });
        if (baselineParser != null) {
            phases.put("baseline-parse", () -> {
                for (RawRecord r : records) {
                    sink[0] += baselineParser.apply(r, Long.MIN_VALUE).hashCode();
                }
            });
        }
        addWirePhases(phases, "", new ReadingEventSerializer(), events, sink);
        if (baselineSerializer != null) {
            addWirePhases(phases, "baseline-", baselineSerializer, events, sink);
        }
        // The zone operator's first step on each reading read back: its segment's index in the network in service
        // (a HashMap look-up of the new string). Looked up on the source's thread instead (the thirteenth pass, not
        // kept), the same look-up cost that thread as much as it saved this one.
        Map<String, Integer> byId = layout.indexById();
        addReadPhase(phases, "read+by-id", new ReadingEventSerializer(), events, e -> {
            Integer index = byId.get(e.segment);
            return index == null ? -1 : index;
        }, sink);
        // What Flink's chaining does to each parsed record between the source and the router (object reuse off): a
        // copy through the record's serializer.
        TypeSerializer<ParsedRecord> parsedCopier = org.apache.flink.api.common.typeinfo.TypeInformation
                .of(ParsedRecord.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        ParsedRecord[] parsed = new ParsedRecord[events.length];
        for (int i = 0; i < parsed.length; i++) {
            parsed[i] = new ParsedRecord();
            parsed[i].reading = events[i];
        }
        phases.put("chain-copy", () -> {
            for (ParsedRecord p : parsed) {
                sink[0] += parsedCopier.copy(p).reading.partition;
            }
        });
        // ... and as Flink's POJO serializer copied it before ParsedRecordSerializer
        TypeSerializer<ParsedRecord> pojoCopier = new org.apache.flink.api.java.typeutils.PojoTypeInfo<>(
                ParsedRecord.class, List.of(
                        new org.apache.flink.api.java.typeutils.PojoField(ParsedRecord.class.getField("reading"),
                                org.apache.flink.api.common.typeinfo.TypeInformation.of(ReadingEvent.class)),
                        new org.apache.flink.api.java.typeutils.PojoField(ParsedRecord.class.getField("deadLetter"),
                                org.apache.flink.api.common.typeinfo.TypeInformation.of(
                                        roadcast.ingest.DeadLetter.class))))
                .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        phases.put("chain-copy-pojo", () -> {
            for (ParsedRecord p : parsed) {
                sink[0] += pojoCopier.copy(p).reading.partition;
            }
        });

        Map<String, Long> cpu = new LinkedHashMap<>();
        for (String name : phases.keySet()) {
            cpu.put(name, 0L);
        }
        for (int r = 0; r < rounds; r++) {
            boolean counted = r >= rounds / 4; // the first rounds warm the JIT up
            for (Map.Entry<String, Phase> p : phases.entrySet()) {
                long start = THREADS.getCurrentThreadCpuTime();
                p.getValue().run();
                long ns = THREADS.getCurrentThreadCpuTime() - start;
                if (counted) {
                    cpu.merge(p.getKey(), ns, Long::sum);
                }
            }
        }
        long counted = (long) (rounds - rounds / 4) * records.size();
        System.out.printf("%d records of %d segments, %d rounds counted (sink %d)%n", records.size(), SEGMENTS,
                rounds - rounds / 4, sink[0]);
        for (Map.Entry<String, Long> e : cpu.entrySet()) {
            System.out.printf("%-24s %8.1f ns/record (thread CPU)%n", e.getKey(), e.getValue() / (double) counted);
        }
    }

    private interface Phase {
        void run() throws Exception;
    }

    private static void addWirePhases(Map<String, Phase> phases, String prefix, TypeSerializer<ReadingEvent> s,
                                      ReadingEvent[] events, long[] sink) {
        DataOutputSerializer out = new DataOutputSerializer(32 * 1024);
        phases.put(prefix + "write", () -> {
            out.clear();
            for (int i = 0; i < events.length; i++) {
                if (out.length() > 32 * 1024 - 512) { // a network buffer's worth, then the next one
                    sink[0] += out.length();
                    out.clear();
                }
                s.serialize(events[i], out);
            }
        });
        addReadPhase(phases, prefix + "read", s, events, e -> e.segment.length() + e.topic.length(), sink);
    }

    /**
     * Reads the readings back from the wire with {@code s} (new strings, as on the zone operator's thread), each then
     * given to {@code place} (the zone operator's first step on it, or only its fields read).
     */
    private static void addReadPhase(Map<String, Phase> phases, String name, TypeSerializer<ReadingEvent> s,
                                     ReadingEvent[] events, java.util.function.ToIntFunction<ReadingEvent> place,
                                     long[] sink) {
        DataOutputSerializer all = new DataOutputSerializer(events.length * 256);
        DataInputDeserializer in = new DataInputDeserializer();
        phases.put(name, () -> {
            if (all.length() == 0) {
                for (ReadingEvent e : events) {
                    s.serialize(e, all);
                }
            }
            in.setBuffer(all.getSharedBuffer(), 0, all.length());
            ReadingEvent reuse = new ReadingEvent();
            for (int i = 0; i < events.length; i++) {
                sink[0] += place.applyAsInt(s.deserialize(reuse, in));
            }
        });
    }

    private static NetworkLayout layout() {
        String[] ids = new String[SEGMENTS];
        int[] zoneOf = new int[SEGMENTS];
        int[] local = new int[SEGMENTS];
        int zones = 80;
        int[] sizes = new int[zones];
        for (int i = 0; i < SEGMENTS; i++) {
            ids[i] = Integer.toString(700_000 + i * 7);
            zoneOf[i] = i % zones;
            local[i] = sizes[i % zones]++;
        }
        return new NetworkLayout(ids, zoneOf, local, sizes, 300_000L, "UTC", 130.0, 600_000L, 600_000L);
    }

    /** Six steps of the network as the feed publishes them: key = id, value = the reading's JSON, one topic. */
    private static List<RawRecord> feed(NetworkLayout layout) {
        SplittableRandom rnd = new SplittableRandom(12);
        List<RawRecord> records = new ArrayList<>();
        long t0 = 1_330_588_800_000L;
        long offset = 0;
        String topic = "roadcast.readings";
        for (int step = 0; step < 6; step++) {
            for (String id : layout.segmentIds()) {
                // Speeds are floats in the data sets the feed replays (FeedReplay), written with float digits.
                double speed = (float) rnd.nextDouble(5, 75);
                SpeedReading r = new SpeedReading(id, t0 + step * 300_000L, speed, Double.NaN, Double.NaN,
                        Source.LOOP);
                records.add(new RawRecord(id.getBytes(StandardCharsets.UTF_8), ReadingJson.encode(r), topic, 0,
                        offset++, t0 + step * 300_000L + 1_000));
            }
        }
        return records;
    }
}
