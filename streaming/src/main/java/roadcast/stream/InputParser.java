package roadcast.stream;

import java.io.Serializable;

import roadcast.ingest.DeadLetter;
import roadcast.ingest.ParseResult;
import roadcast.ingest.ReadingParser;
import roadcast.ingest.ReadingRules;
import roadcast.ingest.RejectReason;
import roadcast.ingest.Rejection;
import roadcast.kafka.RawRecord;
import roadcast.reading.SpeedReading;

/**
 * Raw record -> {@link ParsedRecord}: the parser's verdict (syntax, types, ranges, clock), and with the future check
 * off the lead bound against the newest time accepted before. Runs once per record, in the source reader
 * ({@link ParsingReader}), so that the same verdict decides the record's event time and its fate downstream.
 *
 * <p>Event times are bounded at both ends whatever the options ({@link ReadingRules#outOfRange}). The future check
 * uses the wall clock (a sensor clock running ahead of real time). With it off (replays of old data) a reading may
 * still lead the newest event time accepted from its split by at most
 * {@link ReadingRules#MAX_LEAD_WITHOUT_FUTURE_CHECK_MILLIS}, so that one record from years ahead cannot push event
 * time forward and close every open step. Whether the segment is in the network is not checked here but by the zone
 * operator, against the model in service.
 */
final class InputParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ReadingParser parser;
    private final boolean checkFuture;

    InputParser(NetworkLayout layout, boolean checkFuture) {
        this.checkFuture = checkFuture;
        this.parser = new ReadingParser(java.time.ZoneId.of(layout.timeZone()), layout.maxSpeed(),
                checkFuture ? layout.maxFutureMillis() : ReadingParser.NO_FUTURE_LIMIT, null);
    }

    /**
     * @param newestMillis newest event time accepted before from the record's split (the lead bound's reference),
     *                     Long.MIN_VALUE when there is none yet
     */
    ParsedRecord parse(RawRecord raw, long newestMillis) {
        long now = System.currentTimeMillis();
        ParseResult result;
        try {
            result = parser.parse(raw.key, raw.value, now);
        } catch (RuntimeException e) {
            // The parser should classify everything; if it does not, the record still must not stop the job.
            result = ParseResult.rejected(RejectReason.MALFORMED_JSON, "parser failed: " + e);
        }
        Rejection why = result.rejection();
        if (why == null && !checkFuture && newestMillis != Long.MIN_VALUE) {
            var ahead = ReadingRules.tooFarInFuture(result.reading().timeMillis(), newestMillis,
                    ReadingRules.MAX_LEAD_WITHOUT_FUTURE_CHECK_MILLIS);
            if (ahead.isPresent()) {
                why = new Rejection(ahead.get().reason(), ahead.get().detail()
                        + " (the newest event time accepted so far from this partition; the limit holds with the"
                        + " future check off)");
            }
        }
        ParsedRecord p = new ParsedRecord();
        if (why != null) {
            p.deadLetter = DeadLetter.of(why, raw.key, raw.value, raw.topic, raw.partition, raw.offset, now);
            return p;
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
        p.reading = e;
        return p;
    }
}
