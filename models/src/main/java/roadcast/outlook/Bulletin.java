package roadcast.outlook;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outlook as a short plain-language traffic bulletin for radio or an app, one sentence per cluster (largest
 * impact first), speeds in the model's unit and clock times in the network's time zone, e.g. "Congestion on 2 segments
 * around s1 (12 km/h) expected to clear by 08:25 (in 25 min); spreading to 2 more segments within 30 min."
 */
public final class Bulletin {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private Bulletin() {
    }

    /**
     * @param unit        "km/h" or "mph"; null or empty = unknown, speeds left out
     * @param zone        time zone of the clock times
     * @param maxClusters clusters described one by one; the rest are counted in a last sentence
     */
    public static List<String> sentences(Outlook outlook, String unit, ZoneId zone, int maxClusters) {
        List<String> out = new ArrayList<>();
        String at = clock(outlook.issuedAt(), zone);
        int last = outlook.horizonsMin().length == 0 ? 0 : outlook.horizonsMin()[outlook.horizonsMin().length - 1];
        if (outlook.clusters().isEmpty()) {
            out.add("No congestion at " + at + ".");
            return out;
        }
        int shown = Math.min(maxClusters, outlook.clusters().size());
        for (int k = 0; k < shown; k++) {
            CongestionCluster c = outlook.clusters().get(k);
            StringBuilder b = new StringBuilder("Congestion on ");
            b.append(c.segments().size() == 1 ? "segment " + c.slowestSegment()
                : c.segments().size() + " segments around " + c.slowestSegment());
            if (Double.isFinite(c.slowestSpeed()) && unit != null && !unit.isEmpty()) {
                b.append(" (").append(String.format(Locale.ROOT, "%.0f", c.slowestSpeed())).append(' ').append(unit)
                    .append(')');
            }
            if (c.clearsInMin() != null) {
                b.append(" expected to clear by ").append(clock(outlook.issuedAt() + c.clearsInMin() * 60_000L, zone))
                    .append(" (in ").append(c.clearsInMin()).append(" min)");
            } else {
                b.append(" not expected to clear within the ").append(last).append("-min forecast");
            }
            if (!c.spread().isEmpty()) {
                b.append("; spreading to ").append(c.spread().size()).append(c.spread().size() == 1 ? " more segment"
                    : " more segments").append(" within ").append(CongestionOutlook.SPREAD_WITHIN_MIN).append(" min");
            }
            out.add(b.append('.').toString());
        }
        int rest = outlook.clusters().size() - shown;
        if (rest > 0) {
            out.add(rest + (rest == 1 ? " more congested spot." : " more congested spots."));
        }
        return out;
    }

    private static String clock(long millis, ZoneId zone) {
        return CLOCK.format(Instant.ofEpochMilli(millis).atZone(zone));
    }
}
