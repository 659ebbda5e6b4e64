package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * A connector's record of what its partner accepted (portal_sent, the ZNS msg_id) is begun as the partner answers and
 * waited for by the worker only before the work's completion commits: the updates go to the one-stop system while it
 * is written, and no completion is ever durable without it. Through the real worker, queues, Kafka and database, with
 * the test's probe connector, whose record's first write the test holds.
 */
@HubIntegrationTest
class AfterPartnerCallIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired PartnerWorkQueues queues;
    @Autowired JdbcTemplate jdbc;

    private final TopicRecorder topic = TopicRecorder.of(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC);

    private static String dossier() {
        return "000.00.21.H45-250101-" + String.format("%04d", (int) (Math.random() * 10_000)) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private String probeWithHeldRecording(String dossier) {
        String workId = "probe-" + UUID.randomUUID();
        ObjectNode body = JSON.createObjectNode().put("updateId", "probe:" + workId).put("dossierCode", dossier)
                .put("updateType", "PORTAL_SYNCED").put("heldRecording", true);
        body.putObject("detail").put("status", 4).put("service", "probe").put("eventId", "e-" + workId);
        queues.enqueue(WorkItem.first(ContractProbeConnector.PARTNER, workId, dossier, "PORTAL_SYNCED", body.toString()));
        return workId;
    }

    private int completions(String workId) {
        return jdbc.queryForObject("SELECT count(*) FROM work_completion WHERE work_id = ?", Integer.class, workId);
    }

    private static CompletableFuture<Void> held(String workId) {
        await().atMost(WAIT).until(() -> ContractProbeConnector.HELD_RECORDINGS.containsKey(workId));
        return ContractProbeConnector.HELD_RECORDINGS.get(workId);
    }

    @Test
    void theUpdateIsPublishedWhileThePartnersRecordIsWrittenAndTheCompletionWaitsForIt() {
        String dossier = dossier();
        String workId = probeWithHeldRecording(dossier);
        CompletableFuture<Void> record = held(workId);

        // published before the record is durable (the two overlap) ...
        await().atMost(WAIT).until(() -> !topic.forDossier(dossier).isEmpty());
        // ... and the completion not written without it
        assertThat(record).isNotDone();
        assertThat(completions(workId)).isZero();

        record.complete(null);
        await().atMost(WAIT).until(() -> completions(workId) == 1);
        assertThat(ContractProbeConnector.RECORDING_WRITES.get(workId).get()).isOne();
        assertThat(jdbc.queryForList("SELECT outcome FROM audit_record WHERE correlation_id = ?", String.class, workId))
                .containsExactly("DELIVERED");
    }

    @Test
    void aRecordTheDatabaseCouldNotTakeIsWrittenAgainBeforeTheCompletionNotSentAgain() {
        String dossier = dossier();
        String workId = probeWithHeldRecording(dossier);
        CompletableFuture<Void> record = held(workId);
        await().atMost(WAIT).until(() -> !topic.forDossier(dossier).isEmpty());

        // the database was down for the record's group commit: written again (with AfterPartnerCall's patience)
        record.completeExceptionally(new TransientDataAccessResourceException("the database is restarting"));
        await().atMost(WAIT).until(() -> completions(workId) == 1);
        assertThat(ContractProbeConnector.RECORDING_WRITES.get(workId).get()).isEqualTo(2);
        // the partner was called once: one delivery, no retry of the work
        assertThat(jdbc.queryForList("SELECT outcome FROM audit_record WHERE correlation_id = ?", String.class, workId))
                .containsExactly("DELIVERED");
        assertThat(topic.forDossier(dossier)).hasSize(1);
    }
}
