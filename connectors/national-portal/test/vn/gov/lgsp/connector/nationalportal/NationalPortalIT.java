package vn.gov.lgsp.connector.nationalportal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.work.PartnerWorkQueues;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.WorkItem;
import vn.gov.lgsp.hub.infra.TestTokens;

/** The portal's rules on real infrastructure: every dossier ends at its final status, never backwards. */
@HubIntegrationTest
class NationalPortalIT {
    private static EventPublisher kafka;
    private final DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
    private final Random random = new Random(42);

    @Autowired PortalSimulator portal;
    @Autowired NationalPortalClient client;
    @Autowired JdbcTemplate jdbc;
    @Autowired TestRestTemplate http;
    @Autowired PartnerWorkQueues queues;
    @Autowired NationalPortalSync portalConnector;
    @Autowired vn.gov.lgsp.hub.audit.AuditLog audit;

    @BeforeAll
    static void connect() {
        kafka = new EventPublisher(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.EVENTS_TOPIC);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    /** Lifecycles of n dossiers, interleaved at random but in order per dossier (as Kafka keys keep them). */
    private List<List<ObjectNode>> dossiers(int n) {
        List<List<ObjectNode>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) all.add(factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(5))));
        return all;
    }

    private void publishInterleaved(List<List<ObjectNode>> dossiers, double redeliveryShare) {
        List<int[]> cursor = new ArrayList<>();
        for (int i = 0; i < dossiers.size(); i++) cursor.add(new int[] {i, 0});
        while (!cursor.isEmpty()) {
            int pick = random.nextInt(cursor.size());
            int[] c = cursor.get(pick);
            ObjectNode event = dossiers.get(c[0]).get(c[1]++);
            kafka.publish(event);
            if (random.nextDouble() < redeliveryShare) kafka.publish(event); // the one-stop system sent it again
            if (c[1] == dossiers.get(c[0]).size()) cursor.remove(pick);
        }
    }

    private void awaitAllFinal(List<List<ObjectNode>> dossiers) {
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
            for (List<ObjectNode> d : dossiers) {
                String code = d.get(0).get("dossier").get("code").asText();
                PortalSimulator.PortalDossier at = portal.dossier(code);
                assertThat(at).as(code).isNotNull();
                assertThat(at.status).as(code).isEqualTo(10);
            }
        });
    }

    @Test
    void twoHundredDossiersEndAtTheirFinalStatusNeverBackwardsEvenWithRedeliveriesAndASessionExpiry() {
        List<List<ObjectNode>> dossiers = dossiers(200);
        long loginsBefore = client.logins();
        long nonBlockingBefore = client.nonBlockingCalls();
        int simLoginsBefore = portal.logins.get();
        int rejectionsBefore = portal.backwardRejections.get() + portal.fieldRejections.get();
        List<List<ObjectNode>> firstHalf = dossiers.subList(0, 100);
        publishInterleaved(firstHalf, 0.1);
        await().atMost(Duration.ofMinutes(2)).until(() -> firstHalf.stream()
                .filter(d -> portal.dossier(d.get(0).get("dossier").get("code").asText()) != null).count() > 20);
        portal.expireSessions(); // mid-run: every session the hub holds is now refused
        publishInterleaved(dossiers.subList(100, 200), 0.1);
        awaitAllFinal(dossiers);

        assertThat(portal.backwardRejections.get() + portal.fieldRejections.get() - rejectionsBefore).as(portal.report()).isZero();
        assertThat(client.logins() - loginsBefore).as("re-logins after the expiry").isEqualTo(client.logins() == 1 ? 0 : 1);
        assertThat(portal.logins.get() - simLoginsBefore).isLessThanOrEqualTo(1);
        // a backlog of many dossiers: shard batches with several dossiers' syncs, called without a thread each, and
        // no call threads for the portal at all
        assertThat(client.nonBlockingCalls()).isGreaterThan(nonBlockingBefore);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("call-national-portal"));
        for (List<ObjectNode> d : dossiers) {
            String code = d.get(0).get("dossier").get("code").asText();
            long portalEvents = d.stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText())).count();
            PortalSimulator.PortalDossier at = portal.dossier(code);
            // each event synced once (redeliveries were deduplicated by eventId), none skipped: no update was lost
            assertThat(at.received).as(code).hasSize((int) portalEvents);
            JsonNode first = at.received.get(0);
            assertThat(first.get("NgayTiepNhan").asText()).matches("\\d{14}");
            assertThat(first.get("SoDienThoai").asText()).matches("0\\d{9}");
            d.stream().filter(e -> "SUPPLEMENT_REQUESTED".equals(e.get("eventType").asText())).findFirst().ifPresent(s -> {
                JsonNode bs = at.received.stream().filter(r -> r.has("DanhSachHoSoBoSung")).findFirst().orElseThrow().get("DanhSachHoSoBoSung").get(0);
                assertThat(bs.get("NgayHenTraMoi").asText()).isGreaterThan(bs.get("NgayHenTraTruoc").asText());
            });
            long steps = d.stream().filter(e -> "STATUS_CHANGED".equals(e.get("eventType").asText())).count();
            assertThat(at.progress).as(code).hasSize((int) steps);
        }
        JsonNode summary = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/portal/sync-status", JsonNode.class).getBody();
        assertThat(summary.get("synced").asLong()).isGreaterThanOrEqualTo(200);
        String one = dossiers.get(0).get(0).get("dossier").get("code").asText();
        JsonNode status = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/portal/sync-status?dossier=" + one, JsonNode.class).getBody();
        assertThat(status.get("state").asText()).isEqualTo("SYNCED");
        assertThat(status.get("portal").get("status").asInt()).isEqualTo(10);
    }

    @Test
    void thePortalDownForAWhileDelaysButLosesNothingAndKeepsTheOrder() {
        List<List<ObjectNode>> dossiers = dossiers(30);
        int rejectionsBefore = portal.backwardRejections.get() + portal.fieldRejections.get();
        long retriesBefore = retries();
        publishInterleaved(dossiers.subList(0, 10), 0);
        portal.setDown(true);
        try {
            publishInterleaved(dossiers.subList(10, 30), 0);
            // the outage is real: the portal's work is retried (before the circuit opens) or waits for the portal
            await().atMost(Duration.ofMinutes(1)).until(() -> retries() - retriesBefore >= 20);
        } finally {
            portal.setDown(false);
        }
        awaitAllFinal(dossiers);
        assertThat(portal.backwardRejections.get() + portal.fieldRejections.get() - rejectionsBefore).as(portal.report()).isZero();
        for (List<ObjectNode> d : dossiers) {
            String code = d.get(0).get("dossier").get("code").asText();
            // (the portal's: a generated phone may end in 108, which the Zalo simulator refuses as invalid)
            assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'national-portal' AND dossier_code = ?", Long.class, code)).isZero();
            // statuses the portal received for this dossier were in event-time order
            List<String> times = portal.dossier(code).received.stream().map(r -> r.get("NgayCapNhat").asText()).toList();
            List<String> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            assertThat(times).as(code).isEqualTo(sorted);
        }
    }

    @Test
    void aResyncSendsTheCurrentStateAgain() {
        List<ObjectNode> d = dossiers(1).get(0);
        d.forEach(kafka::publish);
        String code = d.get(0).get("dossier").get("code").asText();
        awaitAllFinal(List.of(d));
        int before = portal.dossier(code).received.size();
        long nonBlockingBefore = client.nonBlockingCalls();
        assertThat(TestTokens.as(http, TestTokens.operator()).postForEntity("/api/v1/portal/resync/" + code, null, JsonNode.class).getStatusCode().value()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> portal.dossier(code).received.size() == before + 1);
        assertThat(portal.dossier(code).status).isEqualTo(10);
        // a lone dossier's work: called on the shard's thread, waiting for the answer
        assertThat(client.nonBlockingCalls()).isEqualTo(nonBlockingBefore);
        assertThat(TestTokens.as(http, TestTokens.operator()).postForEntity("/api/v1/portal/resync/000.00.21.H45-200101-0001", null, String.class).getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void theRecordOfWhatThePortalHoldsKeepsTheLaterEventUnlessAResyncReplacesIt() {
        String code = "000.00.21.H45-261205-" + (1000 + new Random().nextInt(9000));
        OffsetDateTime at = OffsetDateTime.parse("2026-12-05T09:00:00.123456+07:00");
        // the calls' rows for one dossier in one group commit: the newer first, then an older one (not a re-sync)
        audit.commit(sentRow(code + "-e2", code, 5, at.plusMinutes(1), 2, false), sentRow(code + "-e1", code, 2, at, 1, false));
        assertThat(held(code)).containsEntry("last_event_id", code + "-e2").containsEntry("last_status", 5);
        // a re-sync of the older state replaces it: the portal now holds what it was sent last
        audit.commit(sentRow(code + "-r1", code, 2, at, 1, true));
        assertThat(held(code)).containsEntry("last_event_id", code + "-r1").containsEntry("last_status", 2)
                .containsEntry("last_event_at", java.sql.Timestamp.from(at.toInstant()));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM portal_sent WHERE dossier_code = ?", Integer.class, code)).isEqualTo(3);
    }

    private static vn.gov.lgsp.hub.audit.AuditLog.Companion sentRow(String eventId, String code, int status, OffsetDateTime at,
                                                                  long seq, boolean resync) {
        return NationalPortalSync.SENT.row(eventId, code, "DongBoHoSoMC", status, at.toInstant().toString(), seq, resync);
    }

    private java.util.Map<String, Object> held(String code) {
        return jdbc.queryForMap("SELECT last_event_id, last_status, last_event_at FROM portal_sync WHERE dossier_code = ?", code);
    }

    @Test
    void anOlderEventQueuedBehindANewerOneIsSkippedNotSent() {
        List<ObjectNode> d = dossiers(1).get(0);
        String code = d.get(0).get("dossier").get("code").asText();
        kafka.publish(d.get(0));
        await().atMost(Duration.ofSeconds(30)).until(() -> portal.dossier(code) != null);
        ObjectNode older = d.stream().filter(e -> "STATUS_CHANGED".equals(e.get("eventType").asText())).findFirst().orElseThrow();
        ObjectNode newest = d.get(d.size() - 1);
        // one broker transaction, newest first: the shard usually takes both in one batch, whose guards are read
        // together before either is sent; either way the older one must not reach the portal
        queues.enqueueAll(List.of(work(newest), work(older)));
        String olderWork = older.get("eventId").asText() + ":" + NationalPortalSync.PARTNER;
        await().atMost(Duration.ofSeconds(30)).until(() -> outcomes(olderWork).contains("SKIPPED"));
        PortalSimulator.PortalDossier at = portal.dossier(code);
        assertThat(at.received).hasSize(2);
        assertThat(at.status).isEqualTo(newest.get("dossier").get("status").asInt());
        assertThat(jdbc.queryForObject("SELECT skipped_stale FROM portal_sync WHERE dossier_code = ?", Integer.class, code)).isEqualTo(1);
    }

    @Test
    void workDeliveredAgainIsNotSentAgainWhetherTheHubsCompletionOrThePortalsOwnRecordRecognisesIt() throws Exception {
        ObjectNode received = dossiers(1).get(0).get(0);
        String code = received.get("dossier").get("code").asText();
        kafka.publish(received);
        WorkItem first = work(received);
        await().atMost(Duration.ofSeconds(30)).until(() -> outcomes(first.workId()).contains("DELIVERED"));
        // a retry of completed work (as after a crash between the completion and the broker commit): the hub's
        // completion record answers, the connector is not asked
        queues.enqueueAll(List.of(new WorkItem(first.partner(), first.workId(), code, first.messageType(), first.body(), 2)));
        await().atMost(Duration.ofSeconds(30)).until(() -> outcomes(first.workId()).contains("ALREADY_DONE"));
        // the same work handed to the connector as a first delivery is (as when the inbound queued it twice, which the
        // hub does not look up): the portal's own record answers
        Delivery again = portalConnector.deliver(first, new WorkBatch(List.of(first)));
        assertThat(again.detail()).contains("already accepted by the portal");
        assertThat(again.updates()).extracting(u -> u.updateType()).containsExactly("PORTAL_SYNCED");
        assertThat(portal.dossier(code).received).hasSize(1);
    }

    /**
     * The spec documents no expiry answer: whatever an expired session gets (HTTP 401, an unknown error_code), the hub
     * logs in again and the dossier syncs, without a dead letter.
     */
    @Test
    void anExpiredSessionAnsweredWithHttp401OrAnotherCodeIsRenewedAndTheDossierSyncsWithoutADeadLetter() {
        try {
            for (int[] expiry : new int[][] {{401, 0}, {200, 99}, {200, 1}}) {
                portal.answerExpiredSessionsWith(expiry[0], expiry[1]);
                portal.expireSessions();
                long loginsBefore = client.logins();
                List<ObjectNode> d = dossiers(1).get(0);
                String code = d.get(0).get("dossier").get("code").asText();
                d.forEach(kafka::publish);
                String what = "expired session answered HTTP " + expiry[0] + " error_code " + expiry[1];
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                    assertThat(portal.dossier(code)).as(what).isNotNull();
                    assertThat(portal.dossier(code).status).as(what).isEqualTo(10);
                });
                assertThat(client.logins()).as(what + ": logged in again").isGreaterThan(loginsBefore);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'national-portal' AND dossier_code = ?",
                        Long.class, code)).as(what).isZero();
            }
        } finally {
            portal.answerExpiredSessionsWith(200, 3);
        }
    }

    /** The hub may first hear of a dossier by a later event: its first sync creates it (isUpdating=false). */
    @Test
    void aDossierWhoseFirstEventTheHubSeesIsALaterOneIsCreatedAtThePortal() {
        List<ObjectNode> d = new ArrayList<>(dossiers(1).get(0));
        d.removeIf(e -> "DOSSIER_RECEIVED".equals(e.get("eventType").asText()));
        assertThat(d.get(0).get("eventType").asText()).isNotEqualTo("DOSSIER_RECEIVED");
        String code = d.get(0).get("dossier").get("code").asText();
        int refusedBefore = portal.unknownUpdateRejections.get();
        d.forEach(kafka::publish);
        awaitAllFinal(List.of(d));
        assertThat(portal.unknownUpdateRejections.get() - refusedBefore).as(portal.report()).isZero();
        long portalEvents = d.stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText())).count();
        assertThat(portal.dossier(code).received).as("every event synced, the first as a creation").hasSize((int) portalEvents);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'national-portal' AND dossier_code = ?",
                Long.class, code)).isZero();
    }

    /** An overdue dossier's apology: the old and new appointment dates in the supplement list, as the spec puts them. */
    @Test
    void anOverdueDossiersApologyReachesThePortalInTheSupplementList() {
        List<ObjectNode> d = dossiers(1).get(0);
        while (d.stream().noneMatch(e -> "DOSSIER_OVERDUE".equals(e.get("eventType").asText()))) d = dossiers(1).get(0);
        ObjectNode overdue = d.stream().filter(e -> "DOSSIER_OVERDUE".equals(e.get("eventType").asText())).findFirst().orElseThrow();
        String code = d.get(0).get("dossier").get("code").asText();
        d.forEach(kafka::publish);
        awaitAllFinal(List.of(d));
        String oldDue = PortalMapper.time(OffsetDateTime.parse(overdue.get("dossier").get("dueAt").asText()));
        String newDue = PortalMapper.time(OffsetDateTime.parse(overdue.get("detail").get("newDueAt").asText()));
        assertThat(portal.dossier(code).supplements).as(portal.report())
                .anySatisfy(bs -> {
                    assertThat(bs.get("NgayHenTraTruoc").asText()).isEqualTo(oldDue);
                    assertThat(bs.get("NgayHenTraMoi").asText()).isEqualTo(newDue);
                });
        assertThat(portal.dossier(code).received).noneMatch(r -> r.has("ThongTinXinLoi"));
    }

    private List<String> outcomes(String workId) {
        return jdbc.queryForList("SELECT outcome FROM audit_record WHERE party = ? AND correlation_id = ?", String.class,
                NationalPortalSync.PARTNER, workId);
    }

    private static WorkItem work(ObjectNode event) {
        return WorkItem.first(NationalPortalSync.PARTNER, event.get("eventId").asText() + ":" + NationalPortalSync.PARTNER,
                event.get("dossier").get("code").asText(), event.get("eventType").asText(), event.toString());
    }

    private long retries() {
        return jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE party = 'national-portal'"
                + " AND outcome IN ('RETRY_SCHEDULED', 'WAITING_FOR_PARTNER')", Long.class);
    }
}
