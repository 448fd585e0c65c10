package roadcast.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.ApiKeys;
import roadcast.api.ModelSkill;
import roadcast.api.SegmentCatalog;
import roadcast.api.ServedModel;
import roadcast.fixtures.Chromium;
import roadcast.fixtures.Http;
import roadcast.fixtures.OutlookFixture;
import roadcast.fixtures.SampleForecasts;
import roadcast.history.SpeedUnit;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.reading.Source;
import roadcast.serve.ServingNode;
import roadcast.skill.DayPeriod;
import roadcast.skill.SkillTable;
import roadcast.store.Observation;
import roadcast.store.StoreBatch;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decision-support parts of the dashboard in headless Chromium: greyed unreliable forecasts, the outlook panel
 * on the fixture with known answers ({@link OutlookFixture}).
 */
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

    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Chromium.binary().isPresent(),
            "chromium not installed (apt-get install -y chromium): decision-support page test skipped");
        List<Segment> extra = new ArrayList<>();
        StoreBatch batch = OutlookFixture.batch();
        for (int i = 0; i < N; i++) {
            extra.add(new Segment("d" + i, 34.05 + 0.004 * (i / 4), -118.30 + 0.01 * (i % 4), RoadClass.EXPRESSWAY));
            batch.add(new Observation("d" + i, OutlookFixture.T0, 60, Source.LOOP));
            batch.add(SampleForecasts.of("d" + i, OutlookFixture.T0, 60, -1));
        }
        RoadNetwork network = OutlookFixture.network(extra);
        String[] ids = network.segmentIds();
        int m = ids.length;
        int cells = m * H * SkillTable.PERIODS;
        float[][] a = new float[4][cells];
        for (int i = 0; i < m; i++) {
            for (int h = 0; h < H; h++) {
                int k = SkillTable.cell(i, H, h, DayPeriod.ALL_DAY);
                a[0][k] = i >= N || reliable(i) ? 3 : 5;
                a[1][k] = 4;
                a[2][k] = 6;
                a[3][k] = 200;
            }
        }
        ModelSkill skill = new ModelSkill("v-test", ids, SampleForecasts.HORIZONS, ZoneOffset.UTC,
            new SkillTable(m, H, a[0], a[1], a[2], a[3]));
        SegmentCatalog catalog = OutlookFixture.catalog(network, skill);
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

    @Test
    void outlookPanelListsTheClustersWithClearingAndSpread() throws Exception {
        assertTrue(browser.eval("!!document.querySelector('[data-outlook]')").asBoolean());
        assertTrue(Chromium.await(Duration.ofSeconds(10), () -> browser.eval(
            "document.querySelectorAll('#outlook li[data-cluster]').length").asInt() == 2), "two clusters listed");
        JsonNode items = browser.eval("[...document.querySelectorAll('#outlook li')].map(li => [li.dataset.segments, "
            + "li.dataset.clears, li.dataset.spread, li.textContent])");
        assertEquals("u4", items.get(0).get(0).asText(), "largest impact first: the spreading queue");
        assertEquals("beyond", items.get(0).get(1).asText());
        assertEquals("u3,u2", items.get(0).get(2).asText());
        assertTrue(items.get(0).get(3).asText().contains("not clearing within 60 min"), items.get(0).get(3).asText());
        assertEquals("s1,s2", items.get(1).get(0).asText());
        assertEquals("25", items.get(1).get(1).asText());
        assertTrue(items.get(1).get(3).asText().contains("clears in 25 min (08:25 UTC)"), items.get(1).get(3).asText());
        assertEquals(http.json("/api/bulletin", KEY).get("text").asText(),
            browser.eval("document.getElementById('bulletin').textContent").asText());
        assertTrue(browser.eval("document.getElementById('bulletin').textContent").asText()
            .contains("expected to clear by 08:25"));
    }
}
