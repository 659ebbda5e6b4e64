package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.DatabaseOutage;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.TestHttp;

/**
 * The hub's own database down for a while under load, as an operator meets it: PostgreSQL refuses new connections and
 * its open ones are cut. The REST intake answers 503 with Retry-After within a bound (never 500, never a hang), the
 * client retries, and afterwards every event was accepted once, the portal got every status once and in order, no
 * partner's circuit opened (the partners did nothing wrong) and nothing was dead-lettered.
 */
@HubIntegrationTest
class InfrastructureOutageIT {
    private static final Logger log = LoggerFactory.getLogger(InfrastructureOutageIT.class);
    private final DossierEventFactory factory = new DossierEventFactory(System.nanoTime());

    @LocalServerPort int port;
    @Autowired JdbcTemplate jdbc;
    @Autowired PortalSimulator portal;
    @Autowired PartnerWorkRoutes work;

    @Test
    void postgresDownUnderLoadMeans503sThenEverythingOnceAndInOrderWithNoPartnerBlamed() throws Exception {
        List<String> transitions = new CopyOnWriteArrayList<>();
        for (Map.Entry<String, PartnerWorker> w : work.workers().entrySet()) {
            CircuitBreaker.EventPublisher events = w.getValue().circuit().getEventPublisher();
            events.onStateTransition(t -> transitions.add(w.getKey() + " " + t.getStateTransition()));
        }
        List<List<ObjectNode>> lifecycles = new ArrayList<>();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) lifecycles.add(factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2))));
        int steps = lifecycles.stream().mapToInt(List::size).max().orElseThrow();
        for (int step = 0; step < steps; step++) for (List<ObjectNode> l : lifecycles) if (step < l.size()) events.add(l.get(step));

        Map<Integer, Integer> answers = new ConcurrentHashMap<>();
        List<Long> unavailableMillis = new CopyOnWriteArrayList<>();
        List<String> missingRetryAfter = new CopyOnWriteArrayList<>();
        AtomicBoolean outageStarted = new AtomicBoolean();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Thread sender = new Thread(() -> {
            for (ObjectNode e : events) {
                while (true) {
                    long t0 = System.nanoTime();
                    int status;
                    HttpResponse<String> r;
                    try {
                        r = client.send(TestHttp.intake(port, e.toString()).timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        status = r.statusCode();
                    } catch (Exception failed) {
                        answers.merge(-1, 1, Integer::sum); // a hang or a reset: counted, and must not happen
                        continue;
                    }
                    answers.merge(status, 1, Integer::sum);
                    if (status == 202) break;
                    if (status == 503) {
                        unavailableMillis.add((System.nanoTime() - t0) / 1_000_000);
                        if (r.headers().firstValue("Retry-After").isEmpty()) missingRetryAfter.add(r.body());
                        pause(300);
                        continue;
                    }
                    throw new AssertionError("unexpected answer " + status + ": " + r.body());
                }
                if (!outageStarted.get()) pause(20);
            }
        }, "intake-client");
        sender.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM inbound_event WHERE event_id = ANY (?)",
                (Object) events.stream().map(e -> e.get("eventId").asText()).toArray(String[]::new)) >= 30);
        Duration outage = Duration.ofSeconds(15);
        try (DatabaseOutage down = DatabaseOutage.begin()) {
            outageStarted.set(true);
            log.info("PostgreSQL refuses connections for {} s", outage.toSeconds());
            await().pollDelay(outage).atMost(outage.plusSeconds(5)).until(() -> true); // the outage lasts its time
        }
        sender.join(Duration.ofMinutes(3).toMillis());
        assertThat(sender.isAlive()).as("the client got an answer for every event").isFalse();

        String[] ids = events.stream().map(e -> e.get("eventId").asText()).toArray(String[]::new);
        String[] codes = lifecycles.stream().map(l -> l.get(0).get("dossier").get("code").asText()).toArray(String[]::new);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (String code : codes) {
                assertThat(portal.dossier(code)).as(code).isNotNull();
                assertThat(portal.dossier(code).status).as(code).isEqualTo(jdbc.queryForObject("SELECT status FROM dossier WHERE code = ?", Integer.class, code));
            }
        });
        log.info("PostgreSQL outage: answers {}, 503s answered within {} ms at most", answers,
                unavailableMillis.stream().mapToLong(Long::longValue).max().orElse(0));

        assertThat(answers).as("no 5xx other than 503, no hang").containsOnlyKeys(202, 503);
        assertThat(answers.get(503)).as("the outage was met by the client").isPositive();
        assertThat(missingRetryAfter).isEmpty();
        assertThat(unavailableMillis).as("503 answered within the bound (2 s connection timeout + the request)").allMatch(ms -> ms < 4_000);
        assertThat(count("SELECT count(*) FROM inbound_event WHERE event_id = ANY (?)", (Object) ids)).isEqualTo(ids.length);
        assertThat(count("SELECT count(*) FROM audit_record WHERE party = 'onestop' AND direction = 'IN' AND outcome = 'ACCEPTED'"
                + " AND correlation_id = ANY (?)", (Object) ids)).isEqualTo(ids.length);
        assertThat(count("SELECT count(*) FROM dead_letter WHERE dossier_code = ANY (?)", (Object) codes)).isZero();
        assertThat(transitions).as("no partner's circuit opened by the hub's own outage").isEmpty();
        for (int i = 0; i < codes.length; i++) {
            List<Integer> sent = lifecycles.get(i).stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText()))
                    .map(e -> e.get("dossier").get("status").asInt()).toList();
            List<Integer> received;
            synchronized (portal.dossier(codes[i]).received) {
                received = portal.dossier(codes[i]).received.stream().map(r -> r.get("TrangThaiHoSo").asInt()).toList();
            }
            assertThat(received).as("each status once, in order, at the portal for " + codes[i]).isEqualTo(sent);
        }
        // the citizens' rating invitations go out on their own schedule after the last status: their lines empty soon after
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(count("SELECT count(*) FROM work_hold WHERE dossier_code = ANY (?)", (Object) codes)).as("work left waiting").isZero());
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms); // the client's own pacing between requests, not a test synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }
}
