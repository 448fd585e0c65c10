package roadcast.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.SharedDatasets;
import roadcast.history.SpeedHistory;

/** The default credibility rules on the real sets: they must not over-clean data known to be clean. */
class CleaningRealDataTest {

    private static Dataset load(String name) {
        var folder = SharedDatasets.find(name);
        Assumptions.assumeTrue(folder.isPresent(), SharedDatasets.absentMessage(name));
        return DatasetLoader.load(folder.get());
    }

    private static CleaningReport clean(Dataset d) {
        SpeedHistory h = d.history();
        CleaningReport report = HistoryCleaner.clean(h, CredibilityRules.defaults(h.unit(), h.step())).report();
        System.out.println(d.name() + System.lineSeparator() + report);
        return report;
    }

    @Test
    void losLoopIsBarelyTouched() {
        CleaningReport report = clean(load("los-loop"));
        assertEquals(0, report.count(Verdict.MISSING));
        assertEquals(0, report.count(Verdict.OUT_OF_RANGE), "Los-loop's 1.0 mph minimum is a real crawl");
        // long exact runs exist (70 mph caps at night, interpolated gaps): rejected, but well under 1%
        assertTrue(report.rejected() < 0.005 * report.cells(), report.toString());
    }

    @Test
    void pemsd8AndSzTaxiKeepAlmostEverything() {
        CleaningReport pems = clean(load("pemsd8-partial"));
        assertTrue(pems.rejected() < 0.005 * pems.cells(), pems.toString());
        CleaningReport sz = clean(load("sz-taxi-40roads"));
        // zeros = no probe: missing, not rejected
        assertTrue(sz.count(Verdict.MISSING) > 0.06 * sz.cells(), sz.toString());
        assertTrue(sz.rejected() < 0.03 * sz.cells(), sz.toString());
    }
}
