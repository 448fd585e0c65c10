package roadcast.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.ApiKeys;
import roadcast.fixtures.Chromium;
import roadcast.fixtures.Http;
import roadcast.fixtures.IncidentFixture;
import roadcast.serve.ServingNode;
import roadcast.store.StoreBatch;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: the dashboard's incident-alert list ({@code data-alert-list}) in headless Chromium, fed the replay with an
 * injected incident ({@link IncidentFixture}) step by step: the alert appears as open while it lasts, then as cleared,
 * and the outlook panel lists the breakdown as a congestion cluster meanwhile.
 */
class AlertsPageTest {

    private static final String KEY = "alert-page-key";

    @TempDir
    Path dir;

    private static void ingest(ServingNode node, int from, int to) {
        for (int t = from; t < to; t++) {
            StoreBatch batch = new StoreBatch();
            IncidentFixture.step(t).forEach(batch::add);
            node.ingest(batch);
        }
    }

    private static String alertOnPage(Chromium browser) throws Exception {
        return browser.eval("(() => { const li = document.querySelector('[data-alert-list] li[data-alert=\""
            + IncidentFixture.ALERT_ID + "\"]'); return li ? li.dataset.status + '|' + li.textContent : ''; })()")
            .asText();
    }

    @Test
    void anOpenAlertIsListedThenShownCleared() throws Exception {
        Assumptions.assumeTrue(Chromium.binary().isPresent(),
            "chromium not installed (apt-get install -y chromium): alerts page test skipped");
        try (ServingNode node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(3650), Duration.ofMinutes(5), 0, IncidentFixture.catalog(),
            ApiKeys.of(KEY)));
             Chromium browser = new Chromium(Chromium.binary().get())) {
            ingest(node, 0, 8);
            Http http = new Http(node.port());
            assertEquals(1, http.json("/api/alerts", KEY).get("open").asInt());
            browser.navigate("http://localhost:" + node.port() + "/?key=" + KEY);
            assertTrue(Chromium.await(Duration.ofSeconds(20), () -> browser.eval(
                "!!document.body && document.body.dataset.ready === 'true'").asBoolean()), "dashboard did not load");
            assertTrue(Chromium.await(Duration.ofSeconds(10), () -> alertOnPage(browser).startsWith("open|c2:")),
                "the open alert is listed: '" + alertOnPage(browser) + "'");
            assertTrue(alertOnPage(browser).contains("67% below"), alertOnPage(browser));
            JsonNode cluster = browser.eval("[...document.querySelectorAll('[data-outlook] li')].map(li => "
                + "li.dataset.segments)");
            assertEquals("c2", cluster.get(0).asText(), "the breakdown is the outlook's cluster: " + cluster);

            ingest(node, 8, IncidentFixture.STEPS);
            assertTrue(Chromium.await(Duration.ofSeconds(15), () -> alertOnPage(browser).startsWith("cleared|")),
                "the alert is shown cleared after live updates: '" + alertOnPage(browser) + "'");
            assertTrue(alertOnPage(browser).contains("cleared 08:45"), alertOnPage(browser));
            browser.screenshot(Path.of("target", "dashboard-alerts.png"));
        }
    }
}
