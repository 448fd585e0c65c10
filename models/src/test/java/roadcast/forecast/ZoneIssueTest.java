package roadcast.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import roadcast.congestion.CongestionGrader;
import roadcast.congestion.CongestionLevel;
import roadcast.congestion.LevelHold;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;
import roadcast.network.Segment;
import roadcast.testdata.SyntheticCity;

/**
 * The stream encodes a zone's forecasts straight from a {@link ZoneIssue} instead of a {@link Forecast} per segment:
 * the bytes on the wire must be those of the record built field by field from the kernel's output, as
 * {@code Forecasts.toRecords} built it before the issue existed.
 */
class ZoneIssueTest {

    @Test
    void everySegmentEncodesToTheBytesOfItsRecordAndStaysAfterTheBufferIsReused() {
        SyntheticCity city = SyntheticCity.generate(30, 2 * 288 + 60, 3, 7);
        ManifoldModel model = ForecastsTest.trained(city);
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        SpeedHistory h = city.history();
        ForecastJsonWriter json = new ForecastJsonWriter();
        List<Encoded> encoded = new ArrayList<>();
        Set<String> levels = new HashSet<>();
        int compared = 0;
        for (int t = 0; t < 2 * 288 + 60; t++) {
            float[] row = h.speed()[t].clone();
            row[t % row.length] = Float.NaN; // one segment without a reading each step: observedSpeed null
            forecaster.observe(h.epochMillis(t), row);
            if (t < 2 * 288) {
                continue;
            }
            forecaster.forecast(out);
            for (int z = 0; z < model.zoneCount(); z++) {
                float[] observed = forecaster.lastZoneRow(z);
                ZoneIssue issue = new ZoneIssue(new ZoneIssue.Layout(model, z), out.zones[z], observed);
                List<Forecast> records = Forecasts.toRecords(issue);
                for (int i = 0; i < issue.size(); i++) {
                    Forecast expected = recordAsBuilt(model, z, out.zones[z], observed, i);
                    byte[] bytes = json.toBytes(issue.segment(i));
                    assertArrayEquals(json.toBytes(expected), bytes, expected.segment() + " at step " + t);
                    assertArrayEquals(bytes, json.toBytes(records.get(i)));
                    assertArrayEquals(expected.segment().getBytes(StandardCharsets.UTF_8),
                            issue.segment(i).segmentKey());
                    levels.addAll(java.util.Arrays.asList(expected.level()));
                    encoded.add(new Encoded(issue, i, bytes));
                    compared++;
                }
            }
        }
        assertEquals(60 * 30, compared);
        assertTrue(levels.size() >= 2, "the steps cover several congestion levels: " + levels);
        // The kernel wrote every later step into the same buffers: each issue kept its own copy.
        for (Encoded e : encoded) {
            assertArrayEquals(e.bytes, json.toBytes(e.issue.segment(e.i)));
        }
    }

    private record Encoded(ZoneIssue issue, int i, byte[] bytes) {
    }

    /** The record of segment {@code i} field by field from the kernel's output (the code before ZoneIssue). */
    private static Forecast recordAsBuilt(ManifoldModel model, int zone, ZoneForecast forecast, float[] observed,
                                          int i) {
        ZoneModel zm = model.zone(zone);
        int horizons = model.horizonsMin().length;
        CongestionGrader grader = CongestionGrader.of(model.unit());
        int s = zm.segment(i);
        Segment segment = model.network().segment(s);
        double[] speed = new double[horizons];
        double[] lower = new double[horizons];
        double[] upper = new double[horizons];
        String[] level = new String[horizons];
        for (int h = 0; h < horizons; h++) {
            speed[h] = forecast.speed[h][i];
            lower[h] = forecast.lower[h][i];
            upper[h] = forecast.upper[h][i];
            CongestionLevel l = LevelHold.level(grader, segment.roadClass(), model.freeFlowSpeed(s), forecast.now[i],
                    speed[h], lower[h], upper[h], model.levelHold()[h]);
            level[h] = l == null ? null : l.wireName();
        }
        return new Forecast(segment.id(), forecast.issuedAtMillis, model.version(), observed[i], forecast.imputed[i],
                model.horizonsMin(), speed, level, lower, upper);
    }
}
