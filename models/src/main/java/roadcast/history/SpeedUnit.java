package roadcast.history;

/** Unit of the speeds in a data set. Congestion bands are defined in km/h and converted. */
public enum SpeedUnit {
    KMH(1.0), MPH(1.609344);

    private final double kmhPerUnit;

    SpeedUnit(double kmhPerUnit) {
        this.kmhPerUnit = kmhPerUnit;
    }

    public double toKmh(double speed) {
        return speed * kmhPerUnit;
    }

    public double fromKmh(double kmh) {
        return kmh / kmhPerUnit;
    }
}
