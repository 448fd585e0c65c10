package roadcast.stream;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks (max event time - bound - 1) emitted as soon as the maximum advances, not
 * only on the periodic timer: readings arrive in bursts of one timestamp per step, so this costs one watermark per
 * step and makes "is this reading late" depend on the input order alone, not on when the periodic timer fired.
 */
final class StepWatermarks<T> implements WatermarkGenerator<T> {

    private final long boundMillis;
    private long maxTimestamp = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    StepWatermarks(long boundMillis) {
        this.boundMillis = boundMillis;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        // Records the extractor refused carry Long.MIN_VALUE (SourceEventTime.NONE) and never advance event time.
        if (eventTimestamp > maxTimestamp) {
            maxTimestamp = eventTimestamp;
            emit(output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        emit(output);
    }

    private void emit(WatermarkOutput output) {
        if (maxTimestamp == Long.MIN_VALUE) {
            return;
        }
        long wm = maxTimestamp - boundMillis - 1;
        if (wm > emitted) {
            emitted = wm;
            output.emitWatermark(new Watermark(wm));
        }
    }
}
