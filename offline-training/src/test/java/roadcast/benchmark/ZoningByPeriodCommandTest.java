package roadcast.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.evaluate.NetworkPredictor;
import roadcast.synthetic.GenerateCommand;

/** {@code roadcast bench-zoning} on a generated city, and the period switch it measures. */
class ZoningByPeriodCommandTest {

    @Test
    void printsAndWritesTheScoresOfEveryZoningAndTheSwitch(@TempDir Path tmp) throws Exception {
        Path city = tmp.resolve("city");
        assertEquals(0, new CommandLine(new GenerateCommand()).execute("--segments", "60", "--days", "5", "--step", "5",
                "--seed", "3", "--out", city.toString(), "--built-in-profiles"));
        Path json = tmp.resolve("zoning.json");
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new ZoningByPeriodCommand());
        cmd.setOut(new PrintWriter(out));
        assertEquals(0, cmd.execute("--dataset", city.toString(), "--max-zone-size", "16", "--json", json.toString()),
                out.toString());
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertEquals(60, r.get("segments").asInt());
        for (String z : new String[] {"all_day", "peak", "off_peak", "even_days", "odd_days"}) {
            assertTrue(r.get("zonings").get(z).get("zones").asInt() >= 4, z + ": several zones of at most 16");
        }
        assertEquals(1.0, r.get("zonings").get("all_day").get("rand_index_vs_all_day").asDouble());
        assertEquals(6, r.get("scores").size(), "five zonings and the switch");
        for (JsonNode row : r.get("scores")) {
            for (String m : new String[] {"15", "30", "45", "60"}) {
                double mae = row.get(m).get("mae").asDouble();
                assertTrue(mae > 0 && mae < row.get(m).get("rmse").asDouble() + 1e-9, row.toString());
            }
        }
        assertEquals(4, r.get("by_period_vs_all_day_mae_change_percent").size());
        assertTrue(out.toString().contains("by period vs all-day"), out.toString());
    }

    /** Records the last call it got. */
    private static final class Constant implements NetworkPredictor {
        final double value;
        int observed;

        Constant(double value) {
            this.value = value;
        }

        @Override
        public String name() {
            return "c" + value;
        }

        @Override
        public void observe(long stepMillis, float[] row) {
            observed++;
        }

        @Override
        public void predict(double[][] out) {
            out[0][0] = value;
        }
    }

    @Test
    void theSwitchForecastsWithThePeakModelAtPeakStepsAndBothObserveEveryRow() {
        ZoneId la = ZoneId.of("America/Los_Angeles");
        Constant peak = new Constant(1);
        Constant off = new Constant(2);
        var byPeriod = new ZoningByPeriodCommand.ByPeriod(peak, off, la);
        double[][] out = new double[1][1];
        long eightAm = ZonedDateTime.of(2012, 3, 5, 8, 0, 0, 0, la).toInstant().toEpochMilli();
        long noon = ZonedDateTime.of(2012, 3, 5, 12, 0, 0, 0, la).toInstant().toEpochMilli();
        long sixPm = ZonedDateTime.of(2012, 3, 5, 18, 0, 0, 0, la).toInstant().toEpochMilli();
        byPeriod.observe(eightAm, new float[1]);
        byPeriod.predict(out);
        assertEquals(1, out[0][0]);
        byPeriod.observe(noon, new float[1]);
        byPeriod.predict(out);
        assertEquals(2, out[0][0]);
        byPeriod.observe(sixPm, new float[1]);
        byPeriod.predict(out);
        assertEquals(1, out[0][0]);
        assertEquals(3, peak.observed);
        assertEquals(3, off.observed);
        assertFalse(ZoningByPeriodCommand.isPeak(noon, la));
    }
}
