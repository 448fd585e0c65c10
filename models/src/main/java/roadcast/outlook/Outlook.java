package roadcast.outlook;

import java.util.List;

/**
 * The congestion outlook at one time.
 *
 * @param issuedAt     epoch ms
 * @param horizonsMin  forecast horizons looked at
 * @param congestedNow segments congested now
 * @param clusters     by impact (congested segment-minutes), largest first
 */
public record Outlook(long issuedAt, int[] horizonsMin, int congestedNow, List<CongestionCluster> clusters) {
}
