package roadcast.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;


import java.time.LocalTime;
import java.time.ZoneId;

import java.time.ZonedDateTime;



import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.DayArchiveFolder;
import roadcast.datasets.SharedDatasets;
import roadcast.fit.ProgressListener;

import roadcast.model.ModelRegistry;
import roadcast.promote.GateThresholds;
import roadcast.promote.Promotion;
import roadcast.train.TrainingOptions;

/** The retrain closes the loop on an archive in the stream's layout (day=YYYY-MM-DD/part-*.csv). */
class RetrainTest {

    /** Los-loop's week written as the stream job archives accepted readings: one line per reading, UTC days. */
    private static Path archiveOf(Dataset data, Path dir) {
        return DayArchiveFolder.write(data, dir, "# Accepted readings (test copy of Los-loop)");
    }

    @Test
    void retrainOnTheStreamsArchivePublishes(@TempDir Path tmp) throws Exception {
        Optional<Path> los = SharedDatasets.find("los-loop");
        Assumptions.assumeTrue(los.isPresent(), SharedDatasets.absentMessage("los-loop"));
        Dataset real = DatasetLoader.load(los.get());
        Path registry = tmp.resolve("registry");
        Promotion.Result first = Promotion.run(new Promotion.Request(real, 5 * 288,
                new TrainingOptions().toConfig(real).withMaxZoneSize(64), registry, GateThresholds.defaults(), false,
                Duration.ofDays(1)), ProgressListener.NONE);
        Path archive = archiveOf(real, tmp.resolve("archive"));

        Retrain.Result result = Retrain.runOnce(archive, registry, Retrain.Options.defaults().withMaxZoneSize(64),
                ProgressListener.NONE);
        assertTrue(result.published(), result.reasons().toString());
        assertEquals(Promotion.Status.PUBLISHED, result.promotion().status());
        assertEquals(first.version(), result.promotion().inService());
        assertEquals(2016, result.rows(), "the archive's whole week (fewer than 28 days)");
        assertEquals(207, result.segments());
        ModelRegistry models = new ModelRegistry(registry);
        assertEquals(result.version(), models.latest().orElseThrow());
        assertEquals(first.version(), models.load(result.version()).card().zoning().anchoredTo());

        // the command: --days 3 trains on the newest three days (two besides the held-out one), which forecast the
        // held-out day worse than the six-day model in service: refused, exit 3, latest stays
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new RetrainCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute("--archive", archive.toString(), "--registry", registry.toString(), "--days", "3",
                "--max-zone-size", "64");
        assertEquals(3, exit, err.toString() + out);
        assertTrue(out.toString().contains("864 rows from 2012-03-05T00:00"), out.toString());
        assertTrue(err.toString().contains("REFUSED") && err.toString().contains("worse than the service's"),
                err.toString());
        assertEquals(result.version(), models.latest().orElseThrow());
        assertEquals(1, models.refused().size());
    }

    /** Issue 13: a retrain forecasts as far ahead as the model in service ({@code train --max-horizon 90}), not 60. */
    @Test
    void retrainKeepsTheServicesLongestHorizon(@TempDir Path tmp) throws Exception {
        Path city = new roadcast.fixture.CityFixture(10, 4, 5, 9L).write(tmp.resolve("city"));
        Dataset data = DatasetLoader.load(city);
        Path registry = tmp.resolve("registry");
        Promotion.run(new Promotion.Request(data, data.history().steps() - 288,
                new TrainingOptions().toConfig(data).withMaxZoneSize(10).withFixed(3, 1, 1.0).withMaxHorizon(90),
                registry, GateThresholds.defaults(), false, Duration.ofDays(1)), ProgressListener.NONE);
        Retrain.Result result = Retrain.runOnce(city, registry, Retrain.Options.defaults().withMaxZoneSize(10),
                ProgressListener.NONE);
        int[] horizons = result.promotion().model().horizonsMin();
        assertEquals(18, horizons.length, "every 5 min up to 90, as the model in service");
        assertEquals(90, horizons[17]);
    }

    @Test
    void scheduleRunsAtTheNextTimeOfDayThenEveryInterval() {
        ZoneId la = ZoneId.of("America/Los_Angeles");
        Schedule s = new Schedule(Duration.ofHours(24), LocalTime.of(3, 0), la);
        ZonedDateTime now = ZonedDateTime.of(2026, 11, 27, 10, 15, 0, 0, la);
        ZonedDateTime first = s.first(now);
        assertEquals(ZonedDateTime.of(2026, 11, 28, 3, 0, 0, 0, la), first);
        assertEquals(ZonedDateTime.of(2026, 11, 29, 3, 0, 0, 0, la), s.next(first, first.plusMinutes(5)));
        // a run that took longer than the interval skips the missed slots
        assertEquals(ZonedDateTime.of(2026, 12, 1, 3, 0, 0, 0, la), s.next(first, first.plusHours(60)));
        Schedule now2 = new Schedule(Duration.ofMinutes(90), null, la);
        assertEquals(now, now2.first(now));
        assertEquals(Duration.ofHours(24), Schedule.parseDuration("24h"));
        assertEquals(Duration.ofDays(1), Schedule.parseDuration("1d"));
        assertEquals(Duration.ofMinutes(90), Schedule.parseDuration("PT90M"));
    }
}
