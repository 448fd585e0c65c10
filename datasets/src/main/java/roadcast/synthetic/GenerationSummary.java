package roadcast.synthetic;

import java.nio.file.Path;

/**
 * What a generation run wrote.
 *
 * @param folder       the shared-layout folder
 * @param segments     columns
 * @param steps        rows
 * @param missingCells empty cells (dropouts)
 * @param incidents    incidents started
 * @param stuckSensors sensors with a frozen episode
 * @param speedBytes   size of speed.csv.gz
 * @param millis       wall time
 */
public record GenerationSummary(Path folder, int segments, int steps, long missingCells, int incidents,
                                int stuckSensors, long speedBytes, long millis) {
}
