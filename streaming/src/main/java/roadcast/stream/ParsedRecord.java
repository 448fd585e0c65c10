package roadcast.stream;

import roadcast.ingest.DeadLetter;

/**
 * One input record as the source emits it, parsed once there ({@link InputParser}): the accepted reading, or the
 * dead letter with the reason it was refused (exactly one is set). A Flink POJO.
 */
public class ParsedRecord {

    /** The reading, when accepted; null when refused. */
    public ReadingEvent reading;
    /** Why the record was refused, with its bytes and coordinates; null when accepted. */
    public DeadLetter deadLetter;

    public ParsedRecord() {
    }
}
