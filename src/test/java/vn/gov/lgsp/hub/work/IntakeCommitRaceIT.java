package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;

/**
 * Intake work that reaches its worker before the intake's database commit (the intake commits the broker first):
 * the worker waits for that commit and goes on as for any accepted event; only an event with no inbox record and no
 * intake in progress (its commit lost in a crash) is recorded by the worker, once, before the partner is called.
 * The intake of the worker's own instance is waited for in memory ({@link LocalIntakes}), another's (here: a bare
 * connection's) through the database.
 */
@HubIntegrationTest
class IntakeCommitRaceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired PartnerWorkQueues queues;
    @Autowired JdbcTemplate jdbc;
    @Autowired DataSource dataSource;
    @Autowired @Qualifier("transactionTemplate") TransactionTemplate tx;

    private static String dossier() {
        return "000.00.21.H45-250101-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Intake work for {@code eventId}, as the intake queues it (marked with its event), for the test-only partner. */
    private void queueIntakeWork(String eventId, String dossier) {
        ObjectNode body = JSON.createObjectNode().put("updateId", "probe:" + eventId).put("dossierCode", dossier)
                .put("updateType", "PORTAL_SYNCED").put("eventType", "DOSSIER_RECEIVED");
        body.set("detail", JSON.createObjectNode().put("status", 2).put("service", "probe").put("eventId", eventId));
        WorkItem work = WorkItem.first(ContractProbeConnector.PARTNER, eventId + ":" + ContractProbeConnector.PARTNER, dossier,
                "DOSSIER_RECEIVED", body.toString());
        queues.enqueueAccepted(List.of(work), w -> eventId);
    }

    private int completed(String eventId) {
        return jdbc.queryForObject("SELECT count(*) FROM work_completion WHERE work_id = ?", Integer.class,
                eventId + ":" + ContractProbeConnector.PARTNER);
    }

    private int accepted(String eventId) {
        return jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'ACCEPTED'",
                Integer.class, eventId);
    }

    /** How many sessions wait for a lock held by the session {@code pid}. */
    private int blockedBy(int pid) {
        return jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))", Integer.class, pid);
    }

    @Test
    void workThatOvertakesItsIntakesCommitWaitsForItAndIsNotRecordedTwice() throws Exception {
        String eventId = "race-" + UUID.randomUUID();
        String dossier = dossier();
        try (Connection intake = dataSource.getConnection()) {
            intake.setAutoCommit(false);
            int pid;
            try (var st = intake.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            // the intake has inserted the event's inbox record and committed the broker; its database commit is pending
            try (PreparedStatement ps = intake.prepareStatement("INSERT INTO inbound_event (event_id, dossier_code, event_type,"
                    + " occurred_at, source, payload) VALUES (?, ?, 'DOSSIER_RECEIVED', now(), 'REST', '{}')")) {
                ps.setString(1, eventId);
                ps.setString(2, dossier);
                ps.executeUpdate();
            }
            queueIntakeWork(eventId, dossier);

            // the worker waits on the intake's record instead of calling the partner or recording the event itself
            await().atMost(WAIT).until(() -> blockedBy(pid) > 0);
            assertThat(completed(eventId)).isZero();
            intake.commit();
        }
        await().atMost(WAIT).until(() -> completed(eventId) == 1);
        assertThat(jdbc.queryForObject("SELECT source FROM inbound_event WHERE event_id = ?", String.class, eventId)).isEqualTo("REST");
        assertThat(accepted(eventId)).as("the worker recorded no acceptance of its own").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'DELIVERED'",
                Integer.class, eventId + ":" + ContractProbeConnector.PARTNER)).isEqualTo(1);
    }

    @Test
    void workWhoseIntakeCommitWasLostRecordsTheEventOnceBeforeThePartnerIsCalled() {
        String eventId = "lost-" + UUID.randomUUID();
        String dossier = dossier();
        queueIntakeWork(eventId, dossier); // the broker committed, the database never did (a crash between the two)

        await().atMost(WAIT).until(() -> completed(eventId) == 1);
        assertThat(jdbc.queryForObject("SELECT source FROM inbound_event WHERE event_id = ?", String.class, eventId)).isEqualTo("RECOVERED");
        assertThat(accepted(eventId)).isEqualTo(1);
        Long acceptedAt = jdbc.queryForObject("SELECT id FROM audit_record WHERE correlation_id = ? AND outcome = 'ACCEPTED'",
                Long.class, eventId);
        Long deliveredAt = jdbc.queryForObject("SELECT id FROM audit_record WHERE correlation_id = ? AND outcome = 'DELIVERED'",
                Long.class, eventId + ":" + ContractProbeConnector.PARTNER);
        assertThat(acceptedAt).as("recorded as accepted before its delivery").isLessThan(deliveredAt);
        // no probe row is left behind by the worker's look for an intake in progress
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbound_event WHERE source = 'PROBE'", Integer.class)).isZero();
    }

    private void insertInbox(String eventId, String dossier) {
        jdbc.update("INSERT INTO inbound_event (event_id, dossier_code, event_type, occurred_at, source, payload)"
                + " VALUES (?, ?, 'DOSSIER_RECEIVED', now(), 'REST', '{}')", eventId, dossier);
    }

    @Test
    void workThatOvertakesThisInstancesOwnIntakeWaitsInMemoryForItsCommit() throws Exception {
        String eventId = "own-" + UUID.randomUUID();
        String dossier = dossier();
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        AtomicInteger pid = new AtomicInteger();
        Thread intake = new Thread(() -> tx.executeWithoutResult(s -> {
            pid.set(jdbc.queryForObject("SELECT pg_backend_pid()", Integer.class));
            insertInbox(eventId, dossier);
            queueIntakeWork(eventId, dossier); // the broker commits here; the database when this callback returns
            queued.countDown();
            try {
                commit.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }), "intake");
        intake.start();
        queued.await();

        try {
            // the worker waits without calling the partner, and not on the intake's row in the database
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> completed(eventId) == 0 && blockedBy(pid.get()) == 0);
        } finally {
            commit.countDown(); // the intake commits whatever the check found, so no transaction is left open
            intake.join();
        }
        await().atMost(WAIT).until(() -> completed(eventId) == 1);
        assertThat(jdbc.queryForObject("SELECT source FROM inbound_event WHERE event_id = ?", String.class, eventId)).isEqualTo("REST");
        assertThat(accepted(eventId)).as("the worker recorded no acceptance of its own").isZero();
    }

    @Test
    void workOfThisInstancesIntakeWhoseDatabaseCommitFailedRecordsTheEventOnce() {
        String eventId = "failed-" + UUID.randomUUID();
        String dossier = dossier();
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            insertInbox(eventId, dossier);
            queueIntakeWork(eventId, dossier); // the broker commits
            throw new IllegalStateException("the intake's database commit fails");
        })).hasMessageContaining("commit fails");

        await().atMost(WAIT).until(() -> completed(eventId) == 1);
        assertThat(jdbc.queryForObject("SELECT source FROM inbound_event WHERE event_id = ?", String.class, eventId)).isEqualTo("RECOVERED");
        assertThat(accepted(eventId)).isEqualTo(1);
    }
}
