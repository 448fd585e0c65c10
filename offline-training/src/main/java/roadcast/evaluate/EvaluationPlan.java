package roadcast.evaluate;

import java.util.List;

/**
 * How one protocol cuts a history of {@code steps} rows: the rows the model may be trained on, the issue rows of test
 * forecasts and the horizons scored.
 *
 * @param protocol   the protocol
 * @param steps      rows of the history
 * @param trainRows  rows [0, trainRows) given to the trainer (it carves its own validation from their end)
 * @param firstIssue first test issue row (inclusive)
 * @param lastIssue  last test issue row (inclusive) scored at some horizon
 * @param maxSteps   lead steps forecast at each issue (60 minutes)
 * @param horizons   the reported horizons
 * @param mask       targets left out of the figures
 */
public record EvaluationPlan(Protocol protocol, int steps, int trainRows, int firstIssue, int lastIssue, int maxSteps,
                             List<HorizonSpec> horizons, MaskPolicy mask) {

    public EvaluationPlan {
        horizons = List.copyOf(horizons);
    }

    public int issues() {
        return lastIssue - firstIssue + 1;
    }
}
