package roadcast.congestion;

/**
 * Congestion grades in GB/T 33171 order, from free flow to severe. Wire name is the lower-case name with dashes
 * ({@code basically-free}).
 */
public enum CongestionLevel {
    FREE, BASICALLY_FREE, LIGHT, MODERATE, SEVERE;

    /** Made once: every forecast names twelve levels, so building the text per call showed in the stream's profile. */
    private final String wireName = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

    public String wireName() {
        return wireName;
    }

    public static CongestionLevel fromWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
