package roadcast.stream;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.ParseResult;
import roadcast.ingest.ReadingParser;
import roadcast.reading.SpeedReading;
import roadcast.kafka.RawRecord;

/**
 * First stage: raw record -> {@link ReadingEvent}, or a dead letter with the parser's reason. Whether the segment is
 * in the network is not checked here but by the zone operator, against the model in service: the network may grow
 * while the job runs, and this stage only knows the model the job started with.
 * The future check uses the wall clock (a sensor clock running ahead of real time); it runs before watermarks are
 * assigned so that a record from next year cannot push event time forward and close every open step.
 */
public final class ParseReadings extends ProcessFunction<RawRecord, ReadingEvent> {

    private static final long serialVersionUID = 1L;

    private final NetworkLayout layout;
    private final ReadingParser parser;
    private transient RejectionCounters rejected;

    public ParseReadings(NetworkLayout layout, boolean checkFuture) {
        this.layout = layout;
        this.parser = new ReadingParser(java.time.ZoneId.of(layout.timeZone()), layout.maxSpeed(),
                checkFuture ? layout.maxFutureMillis() : ReadingParser.NO_FUTURE_LIMIT, null);
    }

    @Override
    public void open(OpenContext openContext) {
        rejected = new RejectionCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ReadingEvent> out) {
        long now = System.currentTimeMillis();
        ParseResult result;
        try {
            result = parser.parse(raw.key, raw.value, now);
        } catch (RuntimeException e) {
            // The parser should classify everything; if it does not, the record still must not stop the job.
            result = ParseResult.rejected(roadcast.ingest.RejectReason.MALFORMED_JSON, "parser failed: " + e);
        }
        if (!result.accepted()) {
            rejected.inc(result.rejection().reason());
            ctx.output(ForecastJob.DEAD_LETTERS, DeadLetter.of(result.rejection(), raw.key, raw.value, raw.topic,
                    raw.partition, raw.offset, now));
            return;
        }
        SpeedReading r = result.reading();
        ReadingEvent e = new ReadingEvent();
        e.segment = r.segment();
        e.segmentIndex = -1; // placed by the zone operator, under the model in service
        e.zone = -1;
        e.timeMillis = r.timeMillis();
        e.speed = r.speed();
        e.flow = r.flow();
        e.occupancy = r.occupancy();
        e.source = r.source();
        e.payload = raw.value;
        e.topic = raw.topic;
        e.partition = raw.partition;
        e.offset = raw.offset;
        e.appendMillis = raw.timestamp;
        out.collect(e);
    }
}
