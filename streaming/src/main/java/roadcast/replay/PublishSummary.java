package roadcast.replay;

/**
 * What a {@link FeedPublisher} run did.
 *
 * @param sent          records handed to the producer
 * @param acknowledged  records the broker confirmed
 * @param failed        records the producer gave up on (after its own retries)
 * @param skipped       readings without a finite speed (gaps in the data set), not sent
 * @param steps         time steps sent
 * @param elapsedMillis wall-clock duration
 * @param stopped       true when {@link FeedPublisher#stop()} ended the run before the feed or the limit did
 * @param firstError    the first send error, null when none
 */
public record PublishSummary(long sent, long acknowledged, long failed, long skipped, long steps, long elapsedMillis,
                             boolean stopped, String firstError) {

    /** Records per second actually achieved. */
    public double perSecond() {
        return elapsedMillis == 0 ? Double.NaN : sent * 1000.0 / elapsedMillis;
    }
}
