package roadcast.replay;

import org.apache.flink.util.MathUtils;
import picocli.CommandLine;

/**
 * When, within its step, a replayed reading is sent ({@link FeedPublisher#withSpread}).
 * <ul>
 * <li>{@link #BURST} (default): every reading of a step at the step's time, as fast as the producer takes them: a
 * step of N segments arrives as one burst of N readings, so the job's lag includes reading the whole burst.</li>
 * <li>{@link #IN_ORDER}: the step's readings evenly over the step, in the feed's order (segment by segment), as a
 * central system polling its detectors in turn: a constant rate of N readings per step, and a zone complete once
 * its last segment in that order has reported.</li>
 * <li>{@link #SENSOR_PHASE}: the step's readings over the step, each sensor at its own fixed phase (a hash of its
 * id, the same every step), as detectors on unsynchronised clocks: the same constant rate, but a zone's last reading
 * comes near the end of the step, so nearly every zone closes in the step's last moments.</li>
 * </ul>
 * In every mode a forecast's lag counts from the append of the latest reading it used. A job that closes a zone's
 * step after a pause in its readings ({@code JobConfig#closeAfterQuiet}, made for bursts) closes it early under a
 * spread feed whenever the zone's readings pause longer than that within the step, and refuses the rest as too late.
 */
public enum FeedSpread {
    BURST("burst"),
    IN_ORDER("in-order"),
    SENSOR_PHASE("sensor-phase");

    private final String option;

    FeedSpread(String option) {
        this.option = option;
    }

    /**
     * Where in its step reading {@code k} of {@code count} (feed order) is sent, as a fraction of the step in [0, 1).
     */
    public double phase(String segment, int k, int count) {
        return switch (this) {
            case BURST -> 0;
            case IN_ORDER -> (double) k / count;
            case SENSOR_PHASE -> sensorPhase(segment);
        };
    }

    /**
     * A fixed fraction in [0, 1) per segment id, spread evenly over ids: Flink's murmur mix of its hash, the one
     * {@code SegmentPartitioner} uses (non-negative, at most {@code Integer.MAX_VALUE}).
     */
    static double sensorPhase(String segment) {
        return MathUtils.murmurHash(segment.hashCode()) / (Integer.MAX_VALUE + 1.0);
    }

    /** As written on the command line and in benchmark JSON: {@code burst}, {@code in-order}, {@code sensor-phase}. */
    @Override
    public String toString() {
        return option;
    }

    /** picocli: {@code --spread burst|in-order|sensor-phase}. */
    public static final class Converter implements CommandLine.ITypeConverter<FeedSpread> {
        @Override
        public FeedSpread convert(String value) {
            for (FeedSpread s : values()) {
                if (s.option.equals(value)) {
                    return s;
                }
            }
            throw new CommandLine.TypeConversionException("unknown spread '" + value
                    + "': use burst, in-order or sensor-phase");
        }
    }
}
