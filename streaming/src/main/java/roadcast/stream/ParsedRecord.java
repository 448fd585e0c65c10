package roadcast.stream;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import roadcast.ingest.DeadLetter;

/**
 * One input record as the source emits it, parsed once there ({@link InputParser}): the accepted reading, or the
 * dead letter with the reason it was refused (exactly one is set). Not changed once emitted: crosses the chain to the
 * router uncopied ({@link ParsedRecordSerializer}).
 */
@TypeInfo(ParsedRecordTypeInfo.Factory.class)
public class ParsedRecord {

    /** The reading, when accepted; null when refused. */
    public ReadingEvent reading;
    /** Why the record was refused, with its bytes and coordinates; null when accepted. */
    public DeadLetter deadLetter;

    public ParsedRecord() {
    }
}
