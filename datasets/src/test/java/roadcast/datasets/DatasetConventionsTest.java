package roadcast.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import roadcast.history.SpeedUnit;

class DatasetConventionsTest {

    @Test
    void readsUnitZoneAndZerosFromReadmeText() {
        DatasetConventions sz = DatasetConventions.fromText(
                "mean 17.1 (km/h per T-GCN); zeros = no probe observation. Local time (China).");
        assertEquals(SpeedUnit.KMH, sz.unit());
        assertEquals(ZoneId.of("Asia/Shanghai"), sz.timeZone());
        assertTrue(sz.zeroIsMissing());

        DatasetConventions pems = DatasetConventions.fromText(
                "speed (mph). Zeros are kept as written. Start 2016-07-01T00:00:00. Local (Pacific) time assumed.");
        assertEquals(SpeedUnit.MPH, pems.unit());
        assertEquals(ZoneId.of("America/Los_Angeles"), pems.timeZone());
        assertFalse(pems.zeroIsMissing());
        assertEquals(LocalDateTime.of(2016, 7, 1, 0, 0), pems.start().orElseThrow());

        DatasetConventions explicit = DatasetConventions.fromText("Speed unit: mph\nTime zone: Europe/Paris\n");
        assertEquals(SpeedUnit.MPH, explicit.unit());
        assertEquals(ZoneId.of("Europe/Paris"), explicit.timeZone());

        var metrLa = SharedDatasets.find("metr-la");
        if (metrLa.isPresent()) {
            // where a user drops the real metr-la.h5
            DatasetConventions real = DatasetConventions.fromFolder(metrLa.get());
            assertEquals(SpeedUnit.MPH, real.unit());
            assertEquals(ZoneId.of("America/Los_Angeles"), real.timeZone());
            assertTrue(real.zeroIsMissing());
        }

        DatasetConventions none = DatasetConventions.defaults();
        assertEquals(SpeedUnit.KMH, none.unit());
        assertEquals(ZoneId.of("UTC"), none.timeZone());
        assertEquals("", none.readme());
    }
}
