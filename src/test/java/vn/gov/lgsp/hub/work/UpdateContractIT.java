package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * The runtime contract check through the real worker, queues and Kafka: a connector producing an update that breaks
 * dossier-update.schema.json publishes nothing, and its work becomes a dead letter whose reason names the field.
 */
@HubIntegrationTest
class UpdateContractIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired PartnerWorkQueues queues;
    @Autowired DossierUpdates updates;
    @Autowired JdbcTemplate jdbc;

    private final TopicRecorder topic = TopicRecorder.of(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC);

    private static String dossier() {
        return "000.00.21.H45-250101-" + String.format("%04d", (int) (Math.random() * 10_000)) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private void probe(String workId, String dossier, String type, ObjectNode detail, boolean bypass) {
        ObjectNode body = JSON.createObjectNode().put("updateId", "probe:" + workId).put("dossierCode", dossier)
                .put("updateType", type).put("bypass", bypass);
        body.set("detail", detail);
        queues.enqueue(WorkItem.first(ContractProbeConnector.PARTNER, workId, dossier, type, body.toString()));
    }

    private List<JsonNode> published(String dossier, String type) {
        return topic.forDossier(dossier).stream().filter(u -> type.equals(u.path("updateType").asText())).toList();
    }

    @Test
    void aConnectorsInvalidUpdateIsNeverPublishedAndItsWorkIsADeadLetterNamingTheField() {
        String dossier = dossier();
        String workId = "probe-" + UUID.randomUUID();
        // what Zalo used to expect from VietinBank: paymentCode / qrCodeUrl instead of the contract's custCode / qrUrl
        ObjectNode wrong = JSON.createObjectNode().put("paymentCode", "LG0001000001").put("amount", 75000)
                .put("qrCodeUrl", "https://pay.example/qr");
        probe(workId, dossier, "PAYMENT_REQUESTED", wrong, false);

        // the batch publishes its updates (here the INTEGRATION_FAILED), then commits the dead letter
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE work_id = ? AND status = 'OPEN'",
                Integer.class, workId) == 1);
        await().atMost(WAIT).until(() -> !published(dossier, "INTEGRATION_FAILED").isEmpty());
        String reason = jdbc.queryForObject("SELECT reason FROM dead_letter WHERE work_id = ? AND status = 'OPEN'", String.class, workId);
        assertThat(reason).contains("rejected by contract-probe (HUB-CONTRACT)").contains("PAYMENT_REQUESTED")
                .contains("/detail: required property 'custCode' not found").contains("qrUrl").contains("paymentCode");
        assertThat(published(dossier, "INTEGRATION_FAILED").get(0).path("detail").path("reason").asText()).contains("custCode");
        // updates of a dossier share a partition, in order: had it been published it would come before
        assertThat(published(dossier, "PAYMENT_REQUESTED")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM work_completion WHERE work_id = ?", Integer.class, workId)).isZero();

        // the same connector with a valid update: published (the probe itself works)
        String good = "probe-" + UUID.randomUUID();
        probe(good, dossier, "PORTAL_SYNCED", JSON.createObjectNode().put("status", 4).put("service", "probe").put("eventId", "e-" + good), false);
        await().atMost(WAIT).until(() -> published(dossier, "PORTAL_SYNCED").size() == 1);
    }

    @Test
    void anInvalidUpdateMadeWithoutTheCheckIsStoppedWhereItWouldBePublished() {
        String dossier = dossier();
        // from partner work: not published, and not audited as published; the work itself completes
        String workId = "probe-" + UUID.randomUUID();
        probe(workId, dossier, "CITIZEN_NOTIFIED", JSON.createObjectNode().put("channel", "FAX"), true);
        String marker = "probe-" + UUID.randomUUID();
        probe(marker, dossier, "PORTAL_SYNCED", JSON.createObjectNode().put("status", 4).put("service", "probe").put("eventId", "e"), false);
        await().atMost(WAIT).until(() -> published(dossier, "PORTAL_SYNCED").size() == 1);
        assertThat(published(dossier, "CITIZEN_NOTIFIED")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ?", Integer.class,
                "update:probe:" + workId)).isZero();
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ?",
                Integer.class, "update:probe:" + marker) == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM work_completion WHERE work_id = ?", Integer.class, workId)).isOne();

        // queued for the one-stop system: refused before anything is queued
        DossierUpdate bad = new DossierUpdate("probe:queued:" + dossier, dossier, "PAYMENT_CONFIRMED", OffsetDateTime.now(), "probe",
                JSON.createObjectNode().put("custCode", "LG0001000001"));
        assertThatThrownBy(() -> updates.publish(List.of(bad))).isInstanceOf(InvalidUpdateException.class)
                .hasMessageContaining("transId").hasMessageContaining("paidAt");

        // already on the one-stop queue (e.g. queued by an older version): a dead letter naming the field
        String onestopWork = "update:probe:old:" + dossier;
        queues.enqueue(WorkItem.first(DossierUpdates.ONESTOP, onestopWork, dossier, "PAYMENT_CONFIRMED", updates.toJson(bad)));
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE work_id = ? AND status = 'OPEN'",
                Integer.class, onestopWork) == 1);
        assertThat(jdbc.queryForObject("SELECT reason FROM dead_letter WHERE work_id = ?", String.class, onestopWork))
                .contains("HUB-CONTRACT").contains("transId");
        assertThat(published(dossier, "PAYMENT_CONFIRMED")).isEmpty();
    }
}
