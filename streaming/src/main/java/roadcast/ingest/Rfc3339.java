package roadcast.ingest;

import com.ethlo.time.Field;
import com.ethlo.time.ITU;
import com.ethlo.time.MutableDateTimeBuffer;
import com.ethlo.time.ParseConfig;

/**
 * Fast path of {@link ReadingParser#parseIsoTime(String, java.time.ZoneId)} for the forms producers actually send
 * ({@code 2012-03-01T08:05:00Z}, with a fraction, with a {@code +08:00} offset). java.time's general resolver was
 * the bottleneck of the source thread; ITU parses these forms without it.
 *
 * <p>It only ever answers for a full date-time with seconds and a numeric offset. Everything else (zone ids in
 * brackets, local times, offsets with seconds, {@code -00:00}, leap seconds) gets {@link #NOT_HANDLED}, and the
 * java.time path gives the verdict, so accept/reject behaviour stays that of java.time.
 */
final class Rfc3339 {

    /** Not a form this path answers for; never a result, as these forms cover only years 0000-9999. */
    static final long NOT_HANDLED = Long.MIN_VALUE;

    private Rfc3339() {
    }

    /** Epoch milliseconds of {@code text[offset, offset + length)}, surrounding whitespace ignored as by trim. */
    static long epochMillis(char[] text, int offset, int length) {
        int start = offset;
        int end = offset + length;
        while (start < end && text[start] <= ' ') {
            start++;
        }
        while (end > start && text[end - 1] <= ' ') {
            end--;
        }
        if (!endsWithOffset(text, start, end)) {
            // Cheap pre-check: the other forms would make ITU throw, and an exception costs more than java.time.
            return NOT_HANDLED;
        }
        MutableDateTimeBuffer parsed = new MutableDateTimeBuffer();
        try {
            // DEFAULT also takes 't' and ' ' as separator, as the java.time path does (case-insensitive, space
            // replaced by 'T' beforehand); it fails on trailing characters.
            if (ITU.parseLenient(text, start, end - start, ParseConfig.DEFAULT, parsed) != end - start) {
                return NOT_HANDLED;
            }
        } catch (RuntimeException e) {
            // Not necessarily invalid (e.g. -00:00, which java.time reads as UTC): java.time decides.
            return NOT_HANDLED;
        }
        if (!parsed.hasOffset() || !parsed.includesGranularity(Field.SECOND)) {
            return NOT_HANDLED;
        }
        return parsed.toEpochMilli();
    }

    private static boolean endsWithOffset(char[] text, int start, int end) {
        if (end - start < 20) {
            return false;
        }
        char last = text[end - 1];
        if (last == 'Z' || last == 'z') {
            return true;
        }
        char sign = text[end - 6];
        return (sign == '+' || sign == '-') && text[end - 3] == ':';
    }
}
