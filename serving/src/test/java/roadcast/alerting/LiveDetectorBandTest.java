package roadcast.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import roadcast.api.DetectorBand;
import roadcast.api.SegmentCatalog;
import roadcast.api.ServedModel;
import roadcast.fixtures.IncidentFixture;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 13: serving's live alerts read the detector's band of the model in service ({@link DetectorBand}: the model's
 * unshrunk scale for the detector, as the benchmark's replay does), not the published forecast band. The replay of
 * {@link IncidentFixture}: c2 falls from 60 to 20 km/h under a published band reaching 55.
 */
class LiveDetectorBandTest {

    private static List<String> alertIds(SegmentCatalog catalog) {
        LiveDecisions decisions = new LiveDecisions(catalog, DecisionSink.NONE, LiveDecisions.Settings.defaults());
        for (int t = 0; t < IncidentFixture.STEPS; t++) {
            decisions.accept(IncidentFixture.step(t));
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode a : decisions.toJson(false, 100).get("alerts")) {
            ids.add(a.get("id").asText());
        }
        return ids;
    }

    @Test
    void theLiveDetectorReadsTheModelsDetectorBandNotThePublishedOne() {
        SegmentCatalog published = IncidentFixture.catalog();
        assertEquals(List.of(IncidentFixture.ALERT_ID), alertIds(published),
            "without the model's detector scale: the published band, under which 20 km/h is an incident");
        ServedModel served = published.model().orElseThrow();
        // c2 as a road read by a few probes: its own errors reach far under the forecast, its detector band to 10
        DetectorBand wide = (f, h) -> f.segment().equals("c2") ? 10.0 : f.lower()[h];
        SegmentCatalog withOwnScale = published.withModel(new ServedModel(served.network(), served.unit(),
            served.timeZone(), served.skills(), wide, false));
        assertEquals(List.of(), alertIds(withOwnScale), "20 km/h is within c2's own band: no alert");
        // and a detector band narrower than the published one still finds it
        DetectorBand narrow = (f, h) -> f.speed()[h] - 2;
        assertEquals(List.of(IncidentFixture.ALERT_ID), alertIds(published.withModel(new ServedModel(
            served.network(), served.unit(), served.timeZone(), served.skills(), narrow, false))));
    }
}
