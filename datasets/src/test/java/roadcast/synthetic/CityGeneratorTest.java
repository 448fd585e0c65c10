package roadcast.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.clean.CredibilityRules;
import roadcast.clean.HistoryCleaner;
import roadcast.clean.Verdict;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.history.SpeedUnit;
import roadcast.network.RoadClass;
import roadcast.network.Segment;

class CityGeneratorTest {

    @TempDir
    Path dir;

    private Path generate(String name, long seed, int segments, int days, int step) throws IOException {
        CityConfig config = CityConfig.of(segments, days, step, seed, WeekProfiles.builtIn(16, seed));
        return new CityGenerator(config).generate(dir.resolve(name), null).folder();
    }

    @Test
    void sameSeedSameBytesDifferentSeedDifferentBytes() throws IOException {
        Path a = generate("a", 42, 60, 2, 5);
        Path b = generate("b", 42, 60, 2, 5);
        Path c = generate("c", 43, 60, 2, 5);
        for (String file : new String[] {"speed.csv.gz", "sensors.csv", "edges.csv", "events.csv", "README.md"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
        }
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("speed.csv.gz")),
                Files.readAllBytes(c.resolve("speed.csv.gz"))));
    }

    @Test
    void writesALoadableSharedLayoutWithDropoutsAndStuckSensors() throws IOException {
        Path folder = generate("city", 7, 400, 3, 5);
        Dataset d = DatasetLoader.load(folder);
        assertEquals(400, d.history().segments());
        assertEquals(3 * 288, d.history().steps());
        assertEquals(Duration.ofMinutes(5), d.history().step());
        assertEquals(SpeedUnit.KMH, d.history().unit());
        assertEquals(ZoneId.of("UTC"), d.history().timeZone());
        assertEquals(CityConfig.DEFAULT_START, d.history().start());
        Set<RoadClass> classes = EnumSet.noneOf(RoadClass.class);
        for (Segment s : d.network().segments()) {
            assertTrue(s.hasCoordinates());
            classes.add(s.roadClass());
        }
        assertEquals(EnumSet.of(RoadClass.EXPRESSWAY, RoadClass.ARTERIAL, RoadClass.SECONDARY, RoadClass.BRANCH),
                classes);
        assertTrue(d.network().links().size() > 400, "a connected grid has more links than segments");
        long missing = 0;
        float max = 0;
        float min = Float.MAX_VALUE;
        for (float[] row : d.history().speed()) {
            for (float x : row) {
                if (Float.isNaN(x)) {
                    missing++;
                } else {
                    max = Math.max(max, x);
                    min = Math.min(min, x);
                }
            }
        }
        long cells = 400L * 3 * 288;
        assertTrue(missing > 0 && missing < cells / 20, "dropouts: " + missing);
        assertTrue(min >= 3 && max <= 1.2 * 110, min + ".." + max);
        var report = HistoryCleaner.clean(d.history(), CredibilityRules.defaults(SpeedUnit.KMH)).report();
        assertTrue(report.count(Verdict.STUCK) > 0, report.toString());
        assertTrue(report.rejected() < cells / 50, report.toString());
        assertTrue(Files.readString(folder.resolve("README.md")).contains("--seed 7"));
        assertTrue(Files.readString(folder.resolve("events.csv")).contains("stuck,"));
    }

    @Test
    void rushHoursAreSlowerThanNights() throws IOException {
        Dataset d = DatasetLoader.load(generate("week", 3, 100, 1, 15));
        assertEquals(96, d.history().steps());
        double night = meanSpeed(d, 3 * 4);       // 03:00
        double rush = meanSpeed(d, 8 * 4);        // 08:00
        assertTrue(rush < 0.95 * night, "rush " + rush + " night " + night);
    }

    private static double meanSpeed(Dataset d, int row) {
        double sum = 0;
        int n = 0;
        for (float x : d.history().speed()[row]) {
            if (!Float.isNaN(x)) {
                sum += x;
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void realProfilesWhenSharedIsPresent() {
        var shared = WeekProfiles.shared();
        org.junit.jupiter.api.Assumptions.assumeTrue(shared.isPresent(),
                roadcast.datasets.SharedDatasets.absentMessage("metr-la"));
        WeekProfiles profiles = shared.get();
        assertEquals(207, profiles.count());
        float[] fifteen = profiles.resampled(0, 15);
        assertEquals(672, fifteen.length);
        for (float r : fifteen) {
            assertTrue(r > 0 && r <= 1);
        }
        assertNotEquals(profiles.ratio(0, 8 * 60), profiles.ratio(0, 3 * 60));
    }
}
