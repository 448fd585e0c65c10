package roadcast.kriging;

/**
 * Output buffer of the kriging layer: for every extended segment of the model (kriging order), row 0 = the estimate
 * of the speed now, row h = the forecast at the model's horizon h, with its band. Reused from step to step.
 */
public final class ExtendedForecast {

    public final double[][] speed;
    public final double[][] lower;
    public final double[][] upper;
    public long issuedAtMillis;

    public ExtendedForecast(int rows, int segments) {
        speed = new double[rows][segments];
        lower = new double[rows][segments];
        upper = new double[rows][segments];
    }

    public int rows() {
        return speed.length;
    }

    public int segments() {
        return speed.length == 0 ? 0 : speed[0].length;
    }
}
