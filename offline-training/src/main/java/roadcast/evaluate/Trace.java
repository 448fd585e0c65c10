package roadcast.evaluate;

/**
 * Forecast against actual of one segment at one lead, over the test issues (for plots).
 *
 * @param segment      network index
 * @param leadMinutes  lead time
 * @param targetMillis epoch ms of each target step
 * @param predicted    forecast made leadMinutes before the target
 * @param actual       the target as recorded in the data set (NaN where missing)
 */
public record Trace(int segment, int leadMinutes, long[] targetMillis, double[] predicted, double[] actual) {
}
