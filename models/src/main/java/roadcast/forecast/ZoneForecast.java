package roadcast.forecast;

/**
 * Output buffer of {@link ZoneForecaster#forecast}: reused from step to step. Indices [h][i] = horizon index,
 * zone-local segment.
 */
public final class ZoneForecast {

    public final double[][] speed;
    public final double[][] lower;
    public final double[][] upper;
    public final boolean[] imputed;
    /** The nowcast each forecast started from (the reading where there was one): the current speed of the level rule. */
    public final double[] now;
    public long issuedAtMillis;

    public ZoneForecast(int horizons, int segments) {
        speed = new double[horizons][segments];
        lower = new double[horizons][segments];
        upper = new double[horizons][segments];
        imputed = new boolean[segments];
        now = new double[segments];
    }

    public int horizons() {
        return speed.length;
    }

    public int segments() {
        return imputed.length;
    }
}
