package roadcast.purge;

import roadcast.reading.Source;
import roadcast.store.OnlineStore;
import roadcast.store.PurgeResult;
import roadcast.topics.WireTime;

import java.util.Locale;

/** Data deletion on request (the service terms promise it): the one entry point of the command and the endpoint. */
public final class DataPurge {

    private DataPurge() {
    }

    /**
     * Deletes what one selector names, validated: exactly one of a segment id, a source name (loop, floating-car,
     * cellular, other) or a time (ISO-8601 or epoch ms). Used by {@code roadcast serve purge} and by
     * {@code DELETE /api/admin/data} alike.
     */
    public static PurgeResult purge(OnlineStore store, String segment, String source, String before) {
        int given = (segment != null ? 1 : 0) + (source != null ? 1 : 0) + (before != null ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("give exactly one of segment, source, before");
        }
        if (segment != null) {
            return store.purgeSegment(segment);
        }
        if (source != null) {
            String name = source.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Source s : Source.values()) {
                if (s.name().equals(name)) {
                    return store.purgeSource(s);
                }
            }
            throw new IllegalArgumentException("unknown source '" + source + "': loop, floating-car, cellular or other");
        }
        long t;
        try {
            t = WireTime.parseText(before);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("before: " + e.getMessage());
        }
        return store.purgeBefore(t);
    }
}
