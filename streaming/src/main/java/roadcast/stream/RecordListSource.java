package roadcast.stream;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import roadcast.kafka.RawRecord;

/**
 * A bounded source of prepared input records in their list order (run it with parallelism 1 to keep that order):
 * the job's input in tests and in benchmarks that must not measure a broker.
 */
public final class RecordListSource {

    private RecordListSource() {
    }

    /** All records as fast as the job takes them. */
    public static DataGeneratorSource<RawRecord> of(List<RawRecord> records) {
        return new DataGeneratorSource<>(new Replay(records), records.size(), TypeInformation.of(RawRecord.class));
    }

    /** The records at most {@code perSecond} per second (per source instance). */
    public static DataGeneratorSource<RawRecord> of(List<RawRecord> records, double perSecond) {
        return new DataGeneratorSource<>(new Replay(records), records.size(), RateLimiterStrategy.perSecond(perSecond),
                TypeInformation.of(RawRecord.class));
    }

    /** The generator behind {@link #of}: record i of the list (serialisable, for wrapping in tests). */
    public static GeneratorFunction<Long, RawRecord> generator(List<RawRecord> records) {
        return new Replay(records);
    }

    /** Strings (e.g. model versions) at most {@code perSecond} per second. */
    public static DataGeneratorSource<String> ofStrings(List<String> values, double perSecond) {
        ArrayList<String> copy = new ArrayList<>(values);
        return new DataGeneratorSource<>(i -> copy.get(i.intValue()), copy.size(),
                RateLimiterStrategy.perSecond(perSecond), TypeInformation.of(String.class));
    }

    /** The records as serialisable columns (RawRecord itself is a POJO, not Serializable). */
    private static final class Replay implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<byte[]> keys = new ArrayList<>();
        private final ArrayList<byte[]> values = new ArrayList<>();
        private final ArrayList<String> topics = new ArrayList<>();
        private final long[] coordinates;

        Replay(List<RawRecord> records) {
            coordinates = new long[3 * records.size()];
            for (int i = 0; i < records.size(); i++) {
                RawRecord r = records.get(i);
                keys.add(r.key);
                values.add(r.value);
                topics.add(r.topic);
                coordinates[3 * i] = r.partition;
                coordinates[3 * i + 1] = r.offset;
                coordinates[3 * i + 2] = r.timestamp;
            }
        }

        @Override
        public RawRecord map(Long index) {
            int i = index.intValue();
            return new RawRecord(keys.get(i), values.get(i), topics.get(i), (int) coordinates[3 * i],
                    coordinates[3 * i + 1], coordinates[3 * i + 2]);
        }
    }
}
