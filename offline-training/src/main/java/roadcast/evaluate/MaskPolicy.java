package roadcast.evaluate;

/** Which targets a protocol leaves out of the error figures. */
public enum MaskPolicy {
    /** T-GCN: every target counts; only a NaN target (nothing to compare with) is skipped. */
    NONE,
    /** DCRNN / Graph WaveNet / BasicTS masked metrics: targets equal to 0 (their "missing" value) or NaN are skipped. */
    ZERO_AND_NAN;

    public boolean skips(double target) {
        return Double.isNaN(target) || (this == ZERO_AND_NAN && target == 0.0);
    }
}
