package roadcast.outlook;

import roadcast.congestion.CongestionLevel;

/**
 * Everything the outlook is computed from, by segment index (arrays of one length, {@code segments.length}).
 *
 * @param segments      segment ids
 * @param neighbours    road neighbours of each segment (indices, both directions; see {@link CongestionOutlook#neighbours})
 * @param now           current level of each segment, null where unknown
 * @param speedNow      current speed, NaN where unknown
 * @param horizonsMin   forecast horizons, ascending
 * @param forecast      [segment][h] forecast level at horizonsMin[h]; a null row = no forecast for that segment
 * @param forecastSpeed [segment][h] forecast speed (model's unit); null row = no forecast
 * @param lengthMetres  segment lengths, NaN where unknown (null = none known)
 * @param flow          vehicles per hour, NaN where unknown (null = none known)
 * @param freeFlowSpeed free-flow speed (model's unit), NaN where unknown (null = none known)
 * @param kmhPerUnit    km/h in one unit of the speeds (1 for km/h, 1.609344 for mph)
 * @param issuedAt      epoch ms the outlook is for (the newest forecast's issue time)
 */
public record OutlookInput(String[] segments, int[][] neighbours, CongestionLevel[] now, double[] speedNow,
                           int[] horizonsMin, CongestionLevel[][] forecast, double[][] forecastSpeed,
                           double[] lengthMetres, double[] flow, double[] freeFlowSpeed, double kmhPerUnit,
                           long issuedAt) {
}
