package roadcast.network;

import java.util.Locale;
import java.util.Map;

/**
 * Road classes of GB/T 33171-style congestion grading. UNKNOWN segments are graded by their ratio to free-flow
 * speed instead of absolute speed bands.
 */
public enum RoadClass {
    EXPRESSWAY, ARTERIAL, SECONDARY, BRANCH, UNKNOWN;

    /**
     * Names other data sets give the same classes: a city's "local" streets are GB/T 33171's branch roads (支路),
     * "collector" streets its secondary trunk roads (次干路), "freeway"/"motorway" its expressways.
     */
    private static final Map<String, RoadClass> ALIASES = Map.of(
            "LOCAL", BRANCH,
            "COLLECTOR", SECONDARY,
            "FREEWAY", EXPRESSWAY,
            "MOTORWAY", EXPRESSWAY);

    /**
     * The class named by {@code text} (case-insensitive; an enum name or one of the aliases local, collector,
     * freeway, motorway).
     *
     * @throws IllegalArgumentException naming the text and the accepted names
     */
    public static RoadClass parse(String text) {
        String key = text.trim().toUpperCase(Locale.ROOT);
        RoadClass alias = ALIASES.get(key);
        if (alias != null) {
            return alias;
        }
        try {
            return valueOf(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown road_class '" + text + "' (expected one of "
                    + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT)
                    + " or local, collector, freeway, motorway)");
        }
    }
}
