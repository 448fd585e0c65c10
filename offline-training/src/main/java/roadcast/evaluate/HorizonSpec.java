package roadcast.evaluate;

/**
 * One reported horizon of a protocol.
 *
 * @param minutes    lead time in minutes (15, 30, 45, 60)
 * @param steps      the same lead time in data steps
 * @param pooled     true: scored over every step 1..steps of each forecast (T-GCN); false: at that step only
 * @param firstIssue first issue row (inclusive) scored at this horizon
 * @param lastIssue  last issue row (inclusive) scored at this horizon; all its targets exist
 */
public record HorizonSpec(int minutes, int steps, boolean pooled, int firstIssue, int lastIssue) {

    public boolean scores(int issueRow) {
        return issueRow >= firstIssue && issueRow <= lastIssue;
    }

    /** Lead steps that count at this horizon: 1..steps when pooled, else steps alone. */
    public int firstScoredStep() {
        return pooled ? 1 : steps;
    }
}
