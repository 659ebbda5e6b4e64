package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import vn.gov.lgsp.hub.infra.TestTokens;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/**
 * A partner outage delays work and never reorders or dead-letters it: the national portal down for longer than the
 * item's attempts would last (6 attempts from 200 ms doubling to 1 s: about 4 s in the test configuration) while
 * whole dossier lifecycles flow, every event of a dossier stamped with the same second (as one-stop systems do).
 */
@HubIntegrationTest
class PartnerOutageIT {
    private static final Logger log = LoggerFactory.getLogger(PartnerOutageIT.class);
    private static final String PORTAL = "national-portal";
    private static EventPublisher kafka;
    private final DossierEventFactory factory = new DossierEventFactory(System.nanoTime());

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired PortalSimulator portal;
    @Autowired QueueProperties queues;
    @Autowired vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator zalo;
    @Autowired vn.gov.lgsp.connector.zalo.ZaloProperties zaloProperties;

    @BeforeAll
    static void connect() {
        kafka = new EventPublisher(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.EVENTS_TOPIC);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void aPortalOutageLongerThanTheAttemptsDelaysLifecyclesWithoutReorderingOrDeadLetteringThem() {
        QueueProperties.PartnerQueue policy = queues.of(PORTAL);
        long attemptsWouldLast = 0;
        for (int a = 1; a < policy.getMaxAttempts(); a++) attemptsWouldLast += policy.backoffAfter(a).toMillis();
        Duration outage = Duration.ofMillis(Math.max(8_000, 2 * attemptsWouldLast));

        List<List<ObjectNode>> lifecycles = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            List<ObjectNode> events = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2)));
            String sameSecond = events.get(0).get("occurredAt").asText();
            events.forEach(e -> e.put("occurredAt", sameSecond)); // times tie: only the hub's own order can tell
            lifecycles.add(events);
        }
        List<String> codes = lifecycles.stream().map(l -> l.get(0).get("dossier").get("code").asText()).toList();

        portal.setDown(true);
        long recoveredAt;
        try {
            // interleaved: the first event of every dossier, then the second of every dossier, ...
            int steps = lifecycles.stream().mapToInt(List::size).max().orElseThrow();
            for (int step = 0; step < steps; step++) {
                for (List<ObjectNode> events : lifecycles) if (step < events.size()) kafka.publish(events.get(step));
            }
            String first = codes.get(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM audit_record WHERE party = ?"
                    + " AND outcome = 'WAITING_FOR_PARTNER' AND dossier_code = ANY (?)", PORTAL, (Object) codes.toArray(String[]::new)) > 0);
            JsonNode lagging = TestTokens.as(http, TestTokens.viewer()).getForObject("/api/v1/portal/sync-status?dossier=" + first, JsonNode.class);
            assertThat(lagging.path("state").asText()).isEqualTo("OUT_OF_SYNC");
            await().pollDelay(outage).atMost(outage.plusSeconds(5)).until(() -> true); // the outage lasts its time
            assertThat(count("SELECT count(*) FROM dead_letter WHERE partner = ? AND dossier_code = ANY (?)", PORTAL,
                    (Object) codes.toArray(String[]::new))).as("nothing dead-lettered during the outage").isZero();
        } finally {
            portal.setDown(false);
            recoveredAt = System.nanoTime();
        }

        Duration bound = Duration.ofSeconds(20);
        await().atMost(bound).untilAsserted(() -> {
            for (int i = 0; i < codes.size(); i++) {
                PortalSimulator.PortalDossier atPortal = portal.dossier(codes.get(i));
                assertThat(atPortal).as(codes.get(i)).isNotNull();
                assertThat(atPortal.status).as(codes.get(i)).isEqualTo(hubStatus(codes.get(i)));
            }
        });
        log.info("portal outage of {} s: every dossier at its final status {} ms after the portal came back",
                outage.toSeconds(), (System.nanoTime() - recoveredAt) / 1_000_000);

        for (int i = 0; i < codes.size(); i++) {
            // every event but PICKUP_REQUESTED (VNPost work only) goes to the portal, see routes/*.yaml
            List<Integer> sent = lifecycles.get(i).stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText()))
                    .map(e -> e.get("dossier").get("status").asInt()).toList();
            List<Integer> received;
            synchronized (portal.dossier(codes.get(i)).received) {
                received = portal.dossier(codes.get(i)).received.stream().map(r -> r.get("TrangThaiHoSo").asInt()).toList();
            }
            assertThat(received).as("statuses the portal received for " + codes.get(i) + ", in the hub's order").isEqualTo(sent);
            JsonNode synced = TestTokens.as(http, TestTokens.viewer()).getForObject("/api/v1/portal/sync-status?dossier=" + codes.get(i), JsonNode.class);
            assertThat(synced.path("state").asText()).isEqualTo("SYNCED");
        }
        assertThat(count("SELECT count(*) FROM dead_letter WHERE partner = ? AND dossier_code = ANY (?)", PORTAL,
                (Object) codes.toArray(String[]::new))).isZero();
        // the citizens' rating invitations go out on their own schedule after the last status: their lines empty soon after
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(count("SELECT count(*) FROM work_hold WHERE dossier_code = ANY (?)",
                (Object) codes.toArray(String[]::new))).as("no work left waiting").isZero());
        assertThat(portal.backwardRejections.get()).isZero();
    }

    @Test
    void aZaloOutageDelaysTheCitizensMessagesWithoutReorderingThem() {
        List<List<ObjectNode>> lifecycles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<ObjectNode> events = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2)));
            String sameSecond = events.get(0).get("occurredAt").asText();
            events.forEach(e -> e.put("occurredAt", sameSecond));
            lifecycles.add(events);
        }
        java.util.Set<String> phones = new java.util.HashSet<>();
        lifecycles.forEach(l -> phones.add(zaloPhone(l.get(0))));
        zalo.setDown(true);
        try {
            int steps = lifecycles.stream().mapToInt(List::size).max().orElseThrow();
            for (int step = 0; step < steps; step++) {
                for (List<ObjectNode> events : lifecycles) if (step < events.size()) kafka.publish(events.get(step));
            }
            List<String> codes = lifecycles.stream().map(l -> l.get(0).get("dossier").get("code").asText()).toList();
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM audit_record WHERE party = 'zalo'"
                    + " AND outcome = 'WAITING_FOR_PARTNER' AND dossier_code = ANY (?)", (Object) codes.toArray(String[]::new)) > 0);
            await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> true); // past the attempts' backoff
        } finally {
            zalo.setDown(false);
        }
        java.util.Set<String> notifying = java.util.Set.of("DOSSIER_RECEIVED", "SUPPLEMENT_REQUESTED", "RESULT_READY", "DOSSIER_OVERDUE");
        for (List<ObjectNode> events : lifecycles) {
            String phone = zaloPhone(events.get(0));
            if (!phone.matches("84\\d{9}") || phone.matches(".*(118|114|144|108)$")) continue; // SMS or nobody: not Zalo's order
            // the templates of the citizen's events that routes/*.yaml send to Zalo, in the order the hub accepted them
            List<String> expected = events.stream().map(e -> e.get("eventType").asText()).filter(notifying::contains)
                    .map(type -> zaloProperties.getTemplates().get(type)).filter(t -> t != null)
                    .map(ZaloPropertiesAccess::templateId).distinct().toList();
            if (expected.isEmpty()) continue;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(templatesSentTo(phone, expected).stream().distinct().toList())
                    .as("ZNS for %s in the hub's order", phone).isEqualTo(expected));
        }
        List<String> codes = lifecycles.stream().map(l -> l.get(0).get("dossier").get("code").asText()).toList();
        assertThat(count("SELECT count(*) FROM dead_letter WHERE partner = 'zalo' AND dossier_code = ANY (?)",
                (Object) codes.toArray(String[]::new))).isZero();
    }

    /** The ZNS templates Zalo accepted for a phone, of those expected, in the order they arrived (repeats kept). */
    private List<String> templatesSentTo(String phone84, List<String> expected) {
        return zalo.znsReceived().stream().filter(z -> phone84.equals(z.path("phone").asText()))
                .map(z -> z.path("template_id").asText()).filter(expected::contains).toList();
    }

    private static String zaloPhone(ObjectNode event) {
        return "84" + event.get("dossier").get("applicant").get("phone").asText().replaceFirst("^(\\+84|84|0)", "");
    }

    /** Reads a template's id (kept apart so the stream above stays readable). */
    private static final class ZaloPropertiesAccess {
        static String templateId(vn.gov.lgsp.connector.zalo.ZaloProperties.Template t) {
            return t.getTemplateId();
        }
    }

    private int hubStatus(String code) {
        return jdbc.queryForObject("SELECT status FROM dossier WHERE code = ?", Integer.class, code);
    }

    private long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }
}
