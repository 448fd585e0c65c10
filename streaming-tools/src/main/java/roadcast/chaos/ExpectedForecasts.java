package roadcast.chaos;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import roadcast.clean.ReadingCheck;
import roadcast.clean.SegmentTrack;
import roadcast.forecast.Forecast;
import roadcast.forecast.Forecasts;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;

/**
 * The offline backtest of what the streaming job must publish for a replayed feed: every row of the history, in
 * time order, through the model's credibility check per segment (the same {@link ReadingCheck} the job applies to
 * each reading) and the one forecasting kernel ({@link NetworkForecaster}), made into records by
 * {@link Forecasts#toRecords} as the job does. Empty cells are readings the feed never sent (as
 * {@code FeedReplay} skips them).
 */
public final class ExpectedForecasts {

    private ExpectedForecasts() {
    }

    /** Forecasts for rows [from, to) of {@code history}, keyed by {@link #key}. */
    public static Map<String, Forecast> of(ManifoldModel model, SpeedHistory history, int from, int to) {
        List<String> ids = Arrays.asList(history.segmentIds());
        int n = model.network().size();
        int[] column = new int[n];
        for (int i = 0; i < n; i++) {
            column[i] = ids.indexOf(model.network().segmentIds()[i]);
        }
        ReadingCheck check = new ReadingCheck(model.credibility());
        SegmentTrack[] tracks = new SegmentTrack[n];
        for (int i = 0; i < n; i++) {
            tracks[i] = new SegmentTrack();
        }
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        Map<String, Forecast> expected = new HashMap<>();
        float[] row = new float[n];
        for (int t = from; t < to; t++) {
            for (int i = 0; i < n; i++) {
                float v = column[i] < 0 ? Float.NaN : history.speed()[t][column[i]];
                // A cell the feed never sent leaves the segment's track alone; a sent one is checked as the job does.
                row[i] = Float.isNaN(v) || check.check(tracks[i], v).accepted() ? v : Float.NaN;
            }
            forecaster.observe(history.epochMillis(t), row);
            forecaster.forecast(out);
            for (int z = 0; z < model.zoneCount(); z++) {
                for (Forecast f : Forecasts.toRecords(model, z, out.zones[z], forecaster.lastZoneRow(z))) {
                    expected.put(key(f), f);
                }
            }
        }
        return expected;
    }

    /** {@code segment@issuedAt}: one forecast per segment per step. */
    public static String key(Forecast f) {
        return f.segment() + "@" + f.issuedAt();
    }
}
