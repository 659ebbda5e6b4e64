package vn.gov.lgsp.hub.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/**
 * The operations console as the centre's staff use it (issue "Operations console"): an operator finds a dossier and
 * its timeline, sees a dead letter on the overview and in the list, replays it once the portal is back; a viewer sees
 * no replay button and is refused the replay itself.
 */
@HubIntegrationTest
class ConsoleBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static EventPublisher kafka;
    private final DossierEventFactory factory = new DossierEventFactory(System.nanoTime());

    @LocalServerPort int port;
    @Autowired JdbcTemplate jdbc;
    @Autowired PortalSimulator portal;

    @BeforeAll
    static void connect() {
        kafka = new EventPublisher(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.EVENTS_TOPIC);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private List<ObjectNode> lifecycle() {
        return factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(3)));
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    private void signIn(Browser browser, String user) {
        browser.open(url("/console/login"));
        browser.waitForVisible(By.name("username")).sendKeys(user);
        browser.driver().findElement(By.name("password")).sendKeys(SharedInfrastructure.get().issuer().password(user));
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.waitFor(d -> d.getCurrentUrl().endsWith("/console"));
        assertThat(browser.waitForVisible(By.id("user")).getText()).isEqualTo(user);
    }

    @Test
    void anOperatorFollowsADossierAndReplaysItsDeadLetterAViewerCannot() throws Exception {
        // a dossier that flows: its events from the one-stop system, delivered to the portal
        List<ObjectNode> flowing = lifecycle();
        String code = flowing.get(0).get("dossier").get("code").asText();
        flowing.forEach(kafka::publish);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND party = 'national-portal'"
                + " AND outcome = 'DELIVERED'", code) >= 2);

        // a dossier the portal refuses while it serves the others: its work runs out of attempts
        ObjectNode failing = lifecycle().get(0);
        String failingCode = failing.get("dossier").get("code").asText();
        String workId = failing.get("eventId").asText() + ":national-portal";
        portal.setFailingDossiers(Set.of(failingCode));
        long deadLetterId;
        try {
            kafka.publish(failing);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                // other dossiers keep the portal's circuit closed: its failures of this one count as this item's attempts
                kafka.publish(lifecycle().get(0));
                kafka.publish(lifecycle().get(0));
                return count("SELECT count(*) FROM dead_letter WHERE work_id = ? AND status = 'OPEN'", workId) == 1;
            });
            deadLetterId = count("SELECT id FROM dead_letter WHERE work_id = ?", workId);

            try (Browser browser = Browser.start()) {
                signIn(browser, "operator");

                // the overview: every partner with its state; the dead letter counted (refreshed by the page's polling)
                WebElement portalRow = browser.waitForVisible(By.cssSelector("tr[data-partner='national-portal']"));
                assertThat(portalRow.findElement(By.cssSelector(".health")).getDomAttribute("data-health")).isIn("up", "degraded");
                assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Hệ thống kết nối");
                browser.waitFor(d -> Long.parseLong(d.findElement(By.cssSelector("tr[data-partner='national-portal'] .dead a")).getText()) >= 1);
                Object polled = ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch('/console/api/overview').then(r => r.json()).then(o => done(o.partners.length)).catch(e => done(-1));");
                assertThat(((Number) polled).intValue()).isGreaterThanOrEqualTo(6);
                browser.screenshot("console-overview");

                // the dossier: its timeline across the parties, in order, and the portal's sync state
                browser.open(url("/console/dossiers"));
                browser.waitForVisible(By.id("code")).sendKeys(code);
                browser.driver().findElement(By.id("find")).click();
                List<WebElement> records = browser.waitForAll(By.cssSelector("#timeline tr.record"));
                List<String> parties = records.stream().map(r -> r.getDomAttribute("data-party")).toList();
                List<Long> ids = records.stream().map(r -> Long.parseLong(r.getDomAttribute("data-id"))).toList();
                assertThat(ids).isSorted();
                assertThat(parties.get(0)).isEqualTo("onestop");
                assertThat(parties).contains("national-portal");
                assertThat(parties.indexOf("national-portal")).isGreaterThan(parties.indexOf("onestop"));
                String firstApplicantId = flowing.get(0).get("dossier").get("applicant").get("citizenId").asText();
                assertThat(browser.driver().getPageSource()).doesNotContain(firstApplicantId);
                assertThat(browser.waitForVisible(By.cssSelector("#sync tr[data-partner='national-portal'] .sync-state")).getText())
                        .isIn("Đã đồng bộ", "Chưa đồng bộ");
                browser.screenshot("console-dossier");

                // the dead letters: the failing dossier's, with its reason and attempts, and the replay button
                browser.open(url("/console/dead-letters?partner=national-portal&status=OPEN"));
                WebElement row = browser.waitForVisible(By.cssSelector("tr.dead-letter[data-id='" + deadLetterId + "']"));
                assertThat(row.getText()).contains(failingCode, "gave up after");
                assertThat(row.findElements(By.cssSelector("button.replay"))).hasSize(1);
                browser.screenshot("console-dead-letters");

                // the portal is back: replay
                portal.setFailingDossiers(Set.of());
                row.findElement(By.cssSelector("button.replay")).click();
                assertThat(browser.waitForVisible(By.id("replay-result")).getText()).contains("Đã gửi lại", "#" + deadLetterId);
                browser.open(url("/console/dead-letters?partner=national-portal"));
                assertThat(browser.waitForVisible(By.cssSelector("tr.dead-letter[data-id='" + deadLetterId + "']"))
                        .getDomAttribute("data-status")).isEqualTo("REPLAYED");
                await().atMost(WAIT).until(() -> portal.dossier(failingCode) != null && !portal.dossier(failingCode).received.isEmpty());
                assertThat(count("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'REPLAYED' AND detail LIKE '%by operator%'",
                        workId)).isEqualTo(1);
                browser.screenshot("console-dead-letter-replayed");
            }
        } finally {
            portal.setFailingDossiers(Set.of());
        }

        // a viewer: sees the list, no replay button, and the replay itself is refused
        try (Browser browser = Browser.start()) {
            signIn(browser, "viewer");
            browser.open(url("/console/dead-letters?partner=national-portal"));
            browser.waitForVisible(By.cssSelector("tr.dead-letter[data-id='" + deadLetterId + "']"));
            assertThat(browser.driver().findElements(By.cssSelector("button.replay"))).isEmpty();
            Object status = ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "const token = document.querySelector('meta[name=_csrf]').content;"
                            + "fetch('/console/dead-letters/" + deadLetterId + "/replay', {method: 'POST', redirect: 'manual',"
                            + " headers: {'X-CSRF-TOKEN': token}}).then(r => done(r.status)).catch(e => done(-1));");
            assertThat(((Number) status).intValue()).isEqualTo(403);
            // and the audit page offers no chain check to a viewer
            browser.open(url("/console/audit"));
            assertThat(browser.driver().findElements(By.id("verify"))).isEmpty();
        }
        Path shot = Browser.SCREENSHOTS.resolve("console-overview.png");
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
}
