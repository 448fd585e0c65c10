package roadcast.stream;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes records and watermarks on, but not the IDLE status, so that the zone operator never sees its readings
 * input idle.
 *
 * <p>Why: the zone operator has two inputs, the readings and the model-version control stream, whose watermark is
 * always the maximum (or the end-of-input maximum once a one-version stream ends). A two-input operator's event time
 * is the minimum over its <em>active</em> inputs; with the readings idle ({@code withIdleness} after a pause in the
 * feed) only the control input counts, event time jumped to Long.MAX_VALUE, every open step was closed on the spot
 * and every reading after the pause was refused as too late: the "stops forwarding readings after a pause" bug.
 *
 * <p>Holding the status back here loses nothing: behind the keyBy every cleaner instance reads from every watermark
 * instance, so cleaners are idle exactly when all readings are, and idle readings inputs among several are still
 * left out of the watermark where it matters, at the cleaners. While the feed pauses event time simply stays put;
 * open steps close by completeness or by {@code closeAfterQuiet}.
 */
final class IdlenessBarrier<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {

    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Deliberately not forwarded (see above); watermarks themselves still go through processWatermark.
    }
}
