package vn.gov.lgsp.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/**
 * How {@link AuditLog} extends the chain: onto the hash it wrote last when the chain still ends there (the lock and
 * the insert in one round trip), else onto wherever another writer left it. Two logs on one database stand for two
 * hub instances; each record must be chained onto the one stored before it, whoever wrote either.
 */
class AuditChainAppendIT {
    private DriverManagerDataSource db;
    private JdbcTemplate jdbc;
    private SimpleMeterRegistry metricsA, metricsB;
    private AuditLog a, b;

    @BeforeEach
    void freshDatabase() throws Exception {
        String url = ChildJvm.newDatabase(SharedInfrastructure.get(), "chainappend" + UUID.randomUUID().toString().substring(0, 8));
        Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration")
                .placeholders(Map.of("app_role", EmbeddedInfrastructure.APP_ROLE)).load().migrate();
        db = new DriverManagerDataSource(url, "postgres", "");
        jdbc = new JdbcTemplate(db);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        metricsA = new SimpleMeterRegistry();
        metricsB = new SimpleMeterRegistry();
        a = new AuditLog(jdbc, tx, metricsA);
        b = new AuditLog(jdbc, tx, metricsB);
    }

    @AfterEach
    void stop() throws InterruptedException {
        a.stop();
        b.stop();
    }

    private static AuditEntry entry(String correlation) {
        return new AuditEntry(AuditEntry.Direction.OUT, "portal", "H01.01-261204-0001", "SYNC", "OK", 12L, correlation,
                "{\"eventId\":\"" + correlation + "\"}", "sent");
    }

    private static double elsewhere(SimpleMeterRegistry metrics) {
        return metrics.get("hub.audit.chain.elsewhere").counter().count();
    }

    @Test
    void anInstanceAloneFindsTheChainWhereItLeftItAndChainsEachRecordOntoTheOneBefore() {
        a.record(entry("a1"));
        assertThat(elsewhere(metricsA)).as("its first append has no hash of its own to expect").isEqualTo(1);
        a.record(entry("a2"), entry("a3"));
        a.record(entry("a4"));
        assertThat(elsewhere(metricsA)).as("nobody else appended: each later append found the chain where it left it")
                .isEqualTo(1);
        assertChainIntact(4);
    }

    @Test
    void twoInstancesTakingTurnsNeverForkTheChain() {
        a.record(entry("a1"));
        b.record(entry("b1"));
        a.record(entry("a2"), entry("a3"));
        assertThat(elsewhere(metricsA)).as("b appended between a's two: a chained onto b's record").isEqualTo(2);
        a.record(entry("a4"));
        assertThat(elsewhere(metricsA)).isEqualTo(2);
        b.record(entry("b2"));
        assertThat(elsewhere(metricsB)).isEqualTo(2);
        assertChainIntact(6);
        assertThat(jdbc.queryForList("SELECT correlation_id FROM audit_record ORDER BY id", String.class))
                .containsExactly("a1", "b1", "a2", "a3", "a4", "b2");
    }

    @Test
    void twoInstancesAppendingAtOnceKeepOneChain() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                AuditLog log = i % 2 == 0 ? a : b;
                String id = "c" + i;
                // half through each log's group commit, half as the inbound appends, in a transaction of its own
                if (i % 4 < 2) {
                    calls.add(callers.submit(() -> log.record(entry(id))));
                } else {
                    calls.add(callers.submit(() -> new TransactionTemplate(new DataSourceTransactionManager(db))
                            .executeWithoutResult(s -> log.appendInCurrentTransaction(List.of(entry(id), entry(id + "-second"))))));
                }
            }
            for (Future<?> f : calls) f.get();
        } finally {
            callers.shutdown();
        }
        assertChainIntact(300);
    }

    @Test
    void anAppendRolledBackLeavesNoGapTheNextAppendChainsOnto() {
        a.record(entry("a1"));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        tx.executeWithoutResult(s -> {
            a.appendInCurrentTransaction(List.of(entry("rolled-back")));
            s.setRollbackOnly();
        });
        a.record(entry("a2"));
        assertThat(elsewhere(metricsA)).as("the chain did not end at the rolled-back record: a2 went onto a1").isEqualTo(2);
        assertChainIntact(2);
    }

    @Test
    void aPayloadPreparedBeforeTheTransactionIsStoredAsOnePreparedInIt() {
        String personal = "{\"eventId\":\"e1\",\"applicant\":{\"fullName\":\"Nguyễn Thị Hồng Nhung\",\"citizenId\":\"001190012345\"}}";
        AuditEntry entry = new AuditEntry(AuditEntry.Direction.IN, "onestop", "H01.01-261204-0001", "DOSSIER_RECEIVED",
                "ACCEPTED", null, "e1", personal, "work for: national-portal");
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        tx.executeWithoutResult(s -> a.appendInCurrentTransaction(List.of(entry), Map.of(personal, AuditLog.prepare(personal))));
        tx.executeWithoutResult(s -> a.appendInCurrentTransaction(List.of(entry)));
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT payload_digest, masked_payload, masked_payload_digest,"
                + " detail, detail_digest FROM audit_record ORDER BY id");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).isEqualTo(rows.get(1));
        assertThat((String) rows.get(0).get("masked_payload")).contains("Nguyễn T. H. N.").doesNotContain("001190012345");
        assertThat(rows.get(0).get("payload_digest")).isEqualTo(AuditChain.sha256(personal));
        assertChainIntact(2);
    }

    /** Every record's prev_hash is the record before it's hash (the first's the genesis), and its hash its content's. */
    private void assertChainIntact(int records) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM audit_record ORDER BY id");
        assertThat(rows).hasSize(records);
        String prev = AuditChain.GENESIS;
        for (Map<String, Object> r : rows) {
            assertThat(r.get("prev_hash")).as("record %s's prev_hash", r.get("id")).isEqualTo(prev);
            String hash = AuditChain.recordHashFromDigests(prev, ((Timestamp) r.get("recorded_at")).toInstant(),
                    (String) r.get("direction"), (String) r.get("party"), (String) r.get("dossier_code"),
                    (String) r.get("message_type"), (String) r.get("outcome"), (Long) r.get("latency_ms"),
                    (String) r.get("correlation_id"), (String) r.get("payload_digest"),
                    (String) r.get("masked_payload_digest"), (String) r.get("detail_digest"));
            assertThat(r.get("record_hash")).as("record %s's hash", r.get("id")).isEqualTo(hash);
            prev = hash;
        }
    }
}
