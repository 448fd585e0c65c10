package roadcast.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What {@code /api/alerts} shows: the incident alerts computed as the service runs ({@code roadcast.alerting}). */
public interface AlertBoard {

    /**
     * {@code {"issuedAt","open","recentlyCleared","keptClearedMin","steps","detectorSettings","alerts":[...]}} (the
     * detector setting running, in its printed form), open alerts first (newest onset first), then the cleared ones
     * still kept.
     *
     * @param openOnly leave the cleared ones out
     * @param limit    alerts listed at most
     */
    ObjectNode toJson(boolean openOnly, int limit);
}
