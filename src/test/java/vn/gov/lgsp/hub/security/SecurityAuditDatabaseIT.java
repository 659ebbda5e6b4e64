package vn.gov.lgsp.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.audit.AuditChain;
import vn.gov.lgsp.hub.audit.AuditCheckpoints;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * The audit log against its own database: the application's role may only append and read; the maintenance escape
 * is the owner's alone; /api/v1/audit/verify names every broken record, and a tail rewritten by a superuser (every
 * hash recomputed) is named by the signed checkpoints.
 */
@HubIntegrationTest
class SecurityAuditDatabaseIT {
    private static final long CHAIN_LOCK = 0x4155444954L;

    @Autowired JdbcTemplate jdbc;
    @Autowired TestRestTemplate http;
    @Autowired AuditCheckpoints checkpoints;

    private final EmbeddedInfrastructure infra = SharedInfrastructure.get();

    @Test
    void theApplicationRoleCanNeitherChangeNorEmptyNorUnprotectTheAuditLog() throws Exception {
        long id = someRecords().get(0);
        assertThat(jdbc.queryForObject("SELECT current_user", String.class)).isEqualTo(EmbeddedInfrastructure.APP_ROLE);
        List<String> attacks = List.of(
                "UPDATE audit_record SET outcome = 'X' WHERE id = " + id,
                "DELETE FROM audit_record WHERE id = " + id,
                "TRUNCATE audit_record",
                "ALTER TABLE audit_record DISABLE TRIGGER audit_record_append_only",
                "DROP TRIGGER audit_record_append_only ON audit_record",
                "UPDATE audit_checkpoint SET head_hash = 'x'",
                "DELETE FROM audit_checkpoint",
                "CREATE OR REPLACE FUNCTION audit_record_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
        try (Connection app = infra.appConnection()) {
            for (String attack : attacks) {
                assertThatThrownBy(() -> inTransaction(app, attack)).as(attack).isInstanceOf(SQLException.class)
                        .hasMessageMatching("(?s).*(permission denied|must be owner|append-only).*");
            }
            // the maintenance escape of the trigger is not the application's
            assertThatThrownBy(() -> inTransaction(app, "SET LOCAL hub.audit_maintenance = 'on'",
                    "UPDATE audit_record SET outcome = 'X' WHERE id = " + id)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
        // even were it granted UPDATE by mistake, the trigger honours the escape for the owner alone
        try (Connection owner = infra.ownerConnection(); Statement st = owner.createStatement()) {
            st.execute("GRANT UPDATE ON audit_record TO " + EmbeddedInfrastructure.APP_ROLE);
            try (Connection app = infra.appConnection()) {
                assertThatThrownBy(() -> inTransaction(app, "SET LOCAL hub.audit_maintenance = 'on'",
                        "UPDATE audit_record SET outcome = 'X' WHERE id = " + id)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("append-only");
            } finally {
                st.execute("REVOKE UPDATE ON audit_record FROM " + EmbeddedInfrastructure.APP_ROLE);
            }
        }
        assertThat(jdbc.queryForObject("SELECT outcome FROM audit_record WHERE id = ?", String.class, id)).isNotEqualTo("X");
    }

    @Test
    void verifyNamesEveryBrokenRecordAndACheckpointNamesATailRewrittenBySomeoneWithTheOwnersRights() throws Exception {
        List<Long> ids = someRecords();
        long first = ids.get(0), second = ids.get(ids.size() - 1);
        assertThat(checkpoints.checkpoint()).isNotNull();
        TestRestTemplate auditor = TestTokens.as(http, TestTokens.auditor());
        assertThat(verify(auditor).get("valid").asBoolean()).as(verify(auditor).toString()).isTrue();
        try (Connection owner = infra.ownerConnection(); Statement st = owner.createStatement()) {
            // appends wait meanwhile (the chain's lock), so the rewrite and its undoing are not mixed with new records
            st.execute("SELECT pg_advisory_lock(" + CHAIN_LOCK + ")");
            try {
                // two records edited in place: both named, not only the first
                String o1 = outcome(st, first), o2 = outcome(st, second);
                setOutcome(st, first, "EDITED");
                setOutcome(st, second, "EDITED");
                JsonNode v = verify(auditor);
                assertThat(v.get("valid").asBoolean()).isFalse();
                assertThat(v.get("broken").findValuesAsText("id")).contains(Long.toString(first), Long.toString(second));
                assertThat(v.get("brokenCount").asLong()).isEqualTo(2);
                setOutcome(st, first, o1);
                setOutcome(st, second, o2);
                assertThat(verify(auditor).get("valid").asBoolean()).isTrue();

                // the whole tail rewritten from the first record, every hash recomputed: the chain alone looks intact
                setOutcome(st, first, "REWRITTEN");
                rehashFrom(owner, first);
                v = verify(auditor);
                assertThat(v.get("broken").size()).as(v.toString()).isZero();
                assertThat(v.get("valid").asBoolean()).isFalse();
                assertThat(v.get("checkpoints").get("failed").toString()).contains("another hash");
                setOutcome(st, first, o1);
                rehashFrom(owner, first);
                assertThat(verify(auditor).get("valid").asBoolean()).isTrue();
            } finally {
                st.execute("SELECT pg_advisory_unlock(" + CHAIN_LOCK + ")");
            }
        }
    }

    /** A few records of a dossier of this test, oldest first. */
    private List<Long> someRecords() {
        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        ObjectNode received = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN))).get(0);
        String code = received.get("dossier").get("code").asText();
        HttpHeaders h = TestTokens.bearer(TestTokens.onestop());
        h.setContentType(MediaType.APPLICATION_JSON);
        assertThat(http.postForEntity("/api/v1/dossier-events", new HttpEntity<>(received.toString(), h), String.class)
                .getStatusCode().value()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ?",
                Long.class, code) >= 2);
        return jdbc.queryForList("SELECT id FROM audit_record WHERE dossier_code = ? ORDER BY id", Long.class, code);
    }

    private static JsonNode verify(TestRestTemplate auditor) {
        return auditor.getForEntity("/api/v1/audit/verify", JsonNode.class).getBody();
    }

    private static void inTransaction(Connection con, String... statements) throws SQLException {
        con.setAutoCommit(false);
        try (Statement st = con.createStatement()) {
            for (String s : statements) st.execute(s);
        } finally {
            con.rollback();
            con.setAutoCommit(true);
        }
    }

    private static String outcome(Statement st, long id) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT outcome FROM audit_record WHERE id = " + id)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void setOutcome(Statement st, long id, String outcome) throws SQLException {
        st.execute("SET hub.audit_maintenance = 'on'");
        st.executeUpdate("UPDATE audit_record SET outcome = '" + outcome + "' WHERE id = " + id);
        st.execute("RESET hub.audit_maintenance");
    }

    /** What a superuser covering their tracks does: recomputes prev_hash and record_hash from {@code from} to the end. */
    private static void rehashFrom(Connection owner, long from) throws SQLException {
        try (Statement st = owner.createStatement()) {
            st.execute("SET hub.audit_maintenance = 'on'");
            String prev;
            try (ResultSet rs = st.executeQuery("SELECT record_hash FROM audit_record WHERE id < " + from + " ORDER BY id DESC LIMIT 1")) {
                prev = rs.next() ? rs.getString(1) : AuditChain.GENESIS;
            }
            try (ResultSet rs = owner.createStatement().executeQuery("SELECT * FROM audit_record WHERE id >= " + from + " ORDER BY id");
                 PreparedStatement up = owner.prepareStatement("UPDATE audit_record SET prev_hash = ?, record_hash = ? WHERE id = ?")) {
                while (rs.next()) {
                    String hash = AuditChain.recordHash(prev, rs.getTimestamp("recorded_at").toInstant(), rs.getString("direction"),
                            rs.getString("party"), rs.getString("dossier_code"), rs.getString("message_type"), rs.getString("outcome"),
                            (Long) rs.getObject("latency_ms"), rs.getString("correlation_id"), rs.getString("payload_digest"),
                            rs.getString("masked_payload"), rs.getString("detail"));
                    up.setString(1, prev);
                    up.setString(2, hash);
                    up.setLong(3, rs.getLong("id"));
                    up.addBatch();
                    prev = hash;
                }
                up.executeBatch();
            }
            st.execute("RESET hub.audit_maintenance");
        }
    }
}
