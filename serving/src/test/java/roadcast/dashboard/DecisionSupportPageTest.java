package roadcast.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roadcast.api.ApiKeys;
import roadcast.api.ModelSkill;
import roadcast.api.SegmentCatalog;
import roadcast.api.ServedModel;
import roadcast.fixtures.Chromium;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.history.SpeedUnit;
import roadcast.network.RoadNetwork;
import roadcast.reading.Source;
import roadcast.serve.ServingNode;
import roadcast.skill.DayPeriod;
import roadcast.skill.SkillTable;
import roadcast.store.Observation;
import roadcast.store.StoreBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision-support parts of the dashboard in headless Chromium: greyed unreliable forecasts. */
class DecisionSupportPageTest {

    private static final String KEY = "ds-key";
    private static final long T0 = 1_330_588_800_000L;
    private static final int N = 12;
    private static final int H = SampleForecasts.HORIZONS.length;

    private static ServingNode node;
    private static Chromium browser;
    private static Http http;

    /** Segment d{i} lost to a baseline on validation (unreliable) at every horizon when i % 3 == 0. */
    static boolean reliable(int i) {
        return i % 3 != 0;
    }

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Chromium.binary().isPresent(),
            "chromium not installed (apt-get install -y chromium): decision-support page test skipped");
        Path dir = Files.createTempDirectory("serving-ds-");
        StringBuilder csv = new StringBuilder("id,latitude,longitude,road_class\n");
        String[] ids = new String[N];
        StoreBatch batch = new StoreBatch();
        for (int i = 0; i < N; i++) {
            ids[i] = "d" + i;
            csv.append(ids[i]).append(',').append(34.05 + 0.004 * (i / 4)).append(',').append(-118.30 + 0.01 * (i % 4))
                .append(",expressway\n");
            batch.add(new Observation(ids[i], T0, 60, Source.LOOP));
            batch.add(SampleForecasts.of(ids[i], T0, 60, -1));
        }
        Files.writeString(dir.resolve("segments.csv"), csv);
        int cells = N * H * SkillTable.PERIODS;
        float[][] a = new float[4][cells];
        for (int i = 0; i < N; i++) {
            for (int h = 0; h < H; h++) {
                int k = SkillTable.cell(i, H, h, DayPeriod.ALL_DAY);
                a[0][k] = reliable(i) ? 3 : 5;
                a[1][k] = 4;
                a[2][k] = 6;
                a[3][k] = 200;
            }
        }
        ModelSkill skill = new ModelSkill("v-test", ids, SampleForecasts.HORIZONS, ZoneOffset.UTC,
            new SkillTable(N, H, a[0], a[1], a[2], a[3]));
        SegmentCatalog catalog = SegmentCatalog.fromCsv(dir.resolve("segments.csv"))
            .withModel(new ServedModel(new RoadNetwork(List.of(), List.of()), SpeedUnit.KMH, ZoneOffset.UTC, skill));
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0, catalog, ApiKeys.of(KEY)));
        node.ingest(batch);
        http = new Http(node.port());
        browser = new Chromium(Chromium.binary().get());
        browser.navigate("http://localhost:" + node.port() + "/?key=" + KEY);
        assertTrue(Chromium.await(Duration.ofSeconds(20), () -> browser.eval(
            "!!document.body && document.body.dataset.ready === 'true'").asBoolean()), "dashboard did not load");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.screenshot(Path.of("target", "dashboard-decision-support.png"));
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static void setHorizon(int minutes) throws Exception {
        browser.eval("(() => { const s = document.getElementById('horizon'); s.value = String(state.horizons.indexOf("
            + minutes + ")); s.dispatchEvent(new Event('input')); return s.value; })()");
    }

    private static Set<String> greyed() throws Exception {
        Set<String> out = new HashSet<>();
        browser.eval("[...document.querySelectorAll('#segments circle.unreliable')].map(c => c.dataset.segment)")
            .forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void unreliableForecastsAreGreyedAtForecastHorizonsOnly() throws Exception {
        setHorizon(30);
        Set<String> expected = new HashSet<>();
        for (JsonNode n : http.json("/api/network?horizon=30", KEY).get("segments")) {
            if (!n.get("reliable").asBoolean()) {
                expected.add(n.get("segment").asText());
            }
        }
        assertEquals(Set.of("d0", "d3", "d6", "d9"), expected, "fixture: every third segment unreliable");
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> greyed().equals(expected)), "greyed: " + greyed());
        double faded = browser.eval("Number(getComputedStyle(document.querySelector('[data-segment=\"d3\"]')).fillOpacity)")
            .asDouble();
        double solid = browser.eval("Number(getComputedStyle(document.querySelector('[data-segment=\"d4\"]')).fillOpacity)")
            .asDouble();
        assertTrue(faded < 0.5 && solid == 1.0, "unreliable drawn faded: " + faded + " vs " + solid);
        assertTrue(browser.eval("document.querySelector('[data-segment=\"d3\"] title').textContent").asText()
            .contains("unreliable forecast"));
        setHorizon(0);
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> greyed().isEmpty()), "observed speeds are never greyed");
        assertFalse(browser.eval("document.querySelector('[data-segment=\"d3\"]').dataset.reliable === 'false'")
            .asBoolean());
    }
}
