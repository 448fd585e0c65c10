package roadcast.api;

import roadcast.congestion.CongestionLevel;
import roadcast.forecast.Forecast;
import roadcast.outlook.CongestionOutlook;
import roadcast.outlook.Outlook;
import roadcast.outlook.OutlookInput;
import roadcast.store.Observation;
import roadcast.store.OnlineStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The congestion outlook of what the store holds now: every segment's current level ({@link NowSpeed}) and its latest
 * forecast, over the road neighbours of the model's network (none without {@code --registry}: each congested segment
 * is then its own cluster). Computed on request in serving from the latest forecasts, and at every network step by
 * {@code roadcast.alerting.LiveDecisions}, which publishes it on {@code roadcast.outlook}.
 * Serving stores no flows, so vehicle-hours are not known here.
 */
public final class CurrentOutlook {

    private CurrentOutlook() {
    }

    static Outlook of(OnlineStore store, SegmentCatalog catalog) {
        return of(store.latestForecasts(), store.latestObservations(), store.segmentIds(), catalog);
    }

    /**
     * The outlook of these forecasts and observations (the newest per segment wins): the store's latest on request,
     * or one network step's records as the live decisions publish it on {@code roadcast.outlook} at every step.
     *
     * @param knownIds segments besides the catalog's (the store's ids)
     */
    public static Outlook of(List<Forecast> forecasts, List<Observation> observations, List<String> knownIds,
                             SegmentCatalog catalog) {
        Map<String, Forecast> byId = new HashMap<>();
        TreeSet<Integer> available = new TreeSet<>();
        long issuedAt = Long.MIN_VALUE;
        for (Forecast f : forecasts) {
            byId.put(f.segment(), f);
            for (int h : f.horizonsMin()) {
                available.add(h);
            }
            issuedAt = Math.max(issuedAt, f.issuedAt());
        }
        Map<String, Observation> latestObs = new HashMap<>();
        for (Observation ob : observations) {
            latestObs.put(ob.segment(), ob);
            issuedAt = Math.max(issuedAt, ob.timeMillis());
        }
        List<CatalogSegment> all = catalog.segments(knownIds);
        int n = all.size();
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = all.get(i).id();
        }
        int[] horizons = available.stream().mapToInt(Integer::intValue).toArray();
        CongestionLevel[] now = new CongestionLevel[n];
        double[] speedNow = new double[n];
        CongestionLevel[][] levels = new CongestionLevel[n][];
        double[][] speeds = new double[n][];
        for (int i = 0; i < n; i++) {
            Forecast f = byId.get(ids[i]);
            NowSpeed s = NowSpeed.of(catalog, ids[i], f, latestObs.get(ids[i]));
            now[i] = level(s.level());
            speedNow[i] = s.speed();
            if (f != null) {
                levels[i] = new CongestionLevel[horizons.length];
                speeds[i] = new double[horizons.length];
                java.util.Arrays.fill(speeds[i], Double.NaN);
                for (int k = 0; k < f.horizonsMin().length; k++) {
                    int h = java.util.Arrays.binarySearch(horizons, f.horizonsMin()[k]);
                    levels[i][h] = level(f.level()[k]);
                    speeds[i][h] = f.speed()[k];
                }
            }
        }
        int[][] neighbours = catalog.model().map(m -> CongestionOutlook.neighbours(m.network(), ids))
            .orElseGet(() -> new int[n][0]);
        double kmhPerUnit = catalog.model().map(m -> m.unit().toKmh(1.0)).orElse(1.0);
        return CongestionOutlook.compute(new OutlookInput(ids, neighbours, now, speedNow, horizons, levels, speeds,
            null, null, null, kmhPerUnit, issuedAt == Long.MIN_VALUE ? 0 : issuedAt));
    }

    private static CongestionLevel level(String wire) {
        if (wire == null) {
            return null;
        }
        try {
            return CongestionLevel.fromWireName(wire);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
