package roadcast.stream;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Second stage: accepted readings on, refused records to the dead letters with their reason (counted per reason).
 * Records are parsed once, in the source ({@link ParsingSource}); this stage only routes the verdict, because a
 * source has no side output.
 */
final class RouteParsed extends ProcessFunction<ParsedRecord, ReadingEvent> {

    private static final long serialVersionUID = 1L;

    private transient RejectionCounters rejected;

    @Override
    public void open(OpenContext openContext) {
        rejected = new RejectionCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ParsedRecord p, Context ctx, Collector<ReadingEvent> out) {
        if (p.reading != null) {
            out.collect(p.reading);
        } else {
            rejected.inc(p.deadLetter.reason());
            ctx.output(ForecastJob.DEAD_LETTERS, p.deadLetter);
        }
    }
}
