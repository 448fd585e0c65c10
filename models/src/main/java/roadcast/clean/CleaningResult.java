package roadcast.clean;

import roadcast.history.SpeedHistory;

/**
 * A cleaned history and what was removed from it.
 *
 * @param cleaned rejected cells set to NaN
 * @param report  counts per verdict and per segment
 */
public record CleaningResult(SpeedHistory cleaned, CleaningReport report) {
}
