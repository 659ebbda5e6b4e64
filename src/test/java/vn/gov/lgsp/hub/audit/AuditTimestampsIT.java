package vn.gov.lgsp.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * RFC 3161 time-stamps on the audit checkpoints, against the TSA simulator (its own key and certificate): a
 * checkpoint's token verifies; the authority down holds nothing back (the checkpoint is stored, its token fetched
 * later); a tampered token, and a tail rewritten by someone holding both the owner's rights and the hub's signing
 * key, are named by /api/v1/audit/verify through the tokens. Every change made here is undone before the test ends:
 * the chain is shared with the other tests.
 */
@HubIntegrationTest
class AuditTimestampsIT {
    /** The audit chain's advisory lock (AuditLog): appends wait while a test rewrites and restores. */
    private static final long CHAIN_LOCK = 0x4155444954L;

    @Autowired AuditLog audit;
    @Autowired AuditCheckpoints checkpoints;
    @Autowired AuditTimestamps timestamps;
    @Autowired TsaSimulator tsa;
    @Autowired JdbcTemplate jdbc;
    @Autowired TestRestTemplate http;

    private final EmbeddedInfrastructure infra = SharedInfrastructure.get();

    @Test
    void aCheckpointGetsATokenThatVerifiesAgainstTheAuthoritysCertificate() {
        long checkpoint = newCheckpoint();
        int granted = tsa.granted();
        assertThat(timestamps.stampPending()).isGreaterThanOrEqualTo(1);
        assertThat(tsa.granted()).isGreaterThan(granted);
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM audit_timestamp WHERE checkpoint_id = ?", checkpoint);
        Map<String, Object> c = jdbc.queryForMap("SELECT * FROM audit_checkpoint WHERE id = ?", checkpoint);
        byte[] imprint = AuditTimestamps.imprint(((Number) c.get("last_record_id")).longValue(), (String) c.get("head_hash"),
                ((Timestamp) c.get("created_at")).toInstant());
        assertThat(timestamps.problem(Base64.getDecoder().decode((String) row.get("token")), imprint)).isNull();
        // the authority's time is after the checkpoint's (fetched after it was stored)
        assertThat(((Timestamp) row.get("gen_time")).toInstant()).isAfterOrEqualTo(((Timestamp) c.get("created_at")).toInstant().minusSeconds(1));

        JsonNode v = verify();
        assertThat(v.get("valid").asBoolean()).as(v.toString()).isTrue();
        assertThat(v.get("timestamps").get("verified").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(v.get("timestamps").get("failed")).isEmpty();
        assertThat(v.get("timestamps").get("pending").asLong()).isZero();
    }

    @Test
    void theAuthorityDownHoldsNothingBackTheTokenIsFetchedLater() {
        tsa.setDown(true);
        try {
            long before = System.nanoTime();
            long checkpoint = newCheckpoint();
            assertThat(timestamps.stampPending()).isZero();
            // refused at once: the authority's refusal, not a timeout (a timeout is bounded by read-timeout anyway)
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(30));
            assertThat(tsa.refused()).isPositive();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_checkpoint WHERE id = ?", Long.class, checkpoint)).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_timestamp WHERE checkpoint_id = ?", Long.class, checkpoint)).isZero();
            // the audit log goes on meanwhile: records are appended and checkpointed
            audit.record(AuditEntry.internal("hub", null, "TSA_TEST", "OK", UUID.randomUUID().toString(), "while the authority is down"));
            JsonNode v = verify();
            assertThat(v.get("valid").asBoolean()).as("a token not yet fetched is no break: " + v).isTrue();
            assertThat(v.get("timestamps").get("pending").asLong()).isGreaterThanOrEqualTo(1);

            tsa.setDown(false);
            assertThat(timestamps.stampPending()).isGreaterThanOrEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_timestamp WHERE checkpoint_id = ?", Long.class, checkpoint)).isEqualTo(1);
            v = verify();
            assertThat(v.get("timestamps").get("pending").asLong()).isZero();
            assertThat(v.get("valid").asBoolean()).as(v.toString()).isTrue();
        } finally {
            tsa.setDown(false);
        }
    }

    @Test
    void aTamperedTokenIsNamedByVerify() throws Exception {
        long checkpoint = newCheckpoint();
        assertThat(timestamps.stampPending()).isGreaterThanOrEqualTo(1);
        String original = jdbc.queryForObject("SELECT token FROM audit_timestamp WHERE checkpoint_id = ?", String.class, checkpoint);
        byte[] der = Base64.getDecoder().decode(original);
        der[der.length - 10] ^= 0x01; // a bit of the authority's signature
        try (Connection owner = infra.ownerConnection(); Statement st = owner.createStatement()) {
            st.execute("SET hub.audit_maintenance = 'on'");
            try (PreparedStatement up = owner.prepareStatement("UPDATE audit_timestamp SET token = ? WHERE checkpoint_id = ?")) {
                up.setString(1, Base64.getEncoder().encodeToString(der));
                up.setLong(2, checkpoint);
                assertThat(up.executeUpdate()).isEqualTo(1);
                try {
                    JsonNode v = verify();
                    assertThat(v.get("valid").asBoolean()).isFalse();
                    assertThat(v.get("timestamps").get("failed").findValuesAsText("checkpointId")).containsExactly(Long.toString(checkpoint));
                    assertThat(v.get("timestamps").get("failed").get(0).get("problem").asText()).contains("signature does not verify");
                } finally {
                    up.setString(1, original);
                    up.executeUpdate();
                }
            }
        }
        assertThat(verify().get("valid").asBoolean()).isTrue();
    }

    /**
     * A token of an authority whose certificate is not configured (the demo's simulator of an earlier run) is counted
     * as such, like a checkpoint of an untrusted key, not as a break; the hub itself never stores one.
     */
    @Test
    void aTokenOfAnotherAuthorityIsCountedAsUntrustedNotAsABreak() throws Exception {
        long checkpoint = newCheckpoint();
        Map<String, Object> c = jdbc.queryForMap("SELECT * FROM audit_checkpoint WHERE id = ?", checkpoint);
        byte[] imprint = AuditTimestamps.imprint(((Number) c.get("last_record_id")).longValue(), (String) c.get("head_hash"),
                ((Timestamp) c.get("created_at")).toInstant());
        try (TsaSimulator other = new TsaSimulator()) {
            var generator = new org.bouncycastle.tsp.TimeStampRequestGenerator();
            generator.setCertReq(true);
            var request = generator.generate(org.bouncycastle.tsp.TSPAlgorithms.SHA256, imprint, java.math.BigInteger.TEN);
            var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(other.url()))
                    .header("Content-Type", AuditTimestamps.QUERY).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.getEncoded()))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            var token = new org.bouncycastle.tsp.TimeStampResponse(answer.body()).getTimeStampToken();
            assertThat(timestamps.problem(token.getEncoded(), imprint)).isEqualTo(AuditTimestamps.UNTRUSTED_AUTHORITY);
            jdbc.update("INSERT INTO audit_timestamp (checkpoint_id, imprint, token, gen_time, serial_number, tsa_url) VALUES (?,?,?,now(),?,?)",
                    checkpoint, java.util.HexFormat.of().formatHex(imprint), Base64.getEncoder().encodeToString(token.getEncoded()),
                    token.getTimeStampInfo().getSerialNumber().toString(), other.url());
        }
        JsonNode v = verify();
        assertThat(v.get("timestamps").get("signedByUntrustedAuthority").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(v.get("timestamps").get("failed")).isEmpty();
        assertThat(v.get("valid").asBoolean()).as(v.toString()).isTrue();
    }

    /**
     * Someone with the owner's rights and the hub's signing key (it lives with the hub) rewrites the chain before a
     * stamped checkpoint, recomputes every hash and signs the checkpoints again: the chain and the signatures agree
     * again, the authority's token does not.
     */
    @Test
    void aTailRewrittenAndReSignedIsNamedByTheTimeStampTokens() throws Exception {
        audit.record(AuditEntry.internal("hub", null, "TSA_TEST", "ORIGINAL", UUID.randomUUID().toString(), "about to be rewritten"));
        long first = jdbc.queryForObject("SELECT max(id) FROM audit_record WHERE message_type = 'TSA_TEST'", Long.class);
        long checkpoint = newCheckpoint();
        assertThat(timestamps.stampPending()).isGreaterThanOrEqualTo(1);
        try (Connection owner = infra.ownerConnection(); Statement st = owner.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + CHAIN_LOCK + ")");
            List<Object[]> signed = new ArrayList<>();
            try (ResultSet rs = owner.createStatement().executeQuery("SELECT id, head_hash, signature FROM audit_checkpoint WHERE last_record_id >= " + first)) {
                while (rs.next()) signed.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)});
            }
            try {
                setOutcome(st, first, "REWRITTEN");
                rehashFrom(owner, first);
                resignCheckpointsFrom(owner, first);
                JsonNode v = verify();
                assertThat(v.get("broken")).as(v.toString()).isEmpty();
                assertThat(v.get("checkpoints").get("failed")).as("re-signed with the hub's key: " + v).isEmpty();
                assertThat(v.get("valid").asBoolean()).isFalse();
                assertThat(v.get("timestamps").get("failed").findValuesAsText("checkpointId")).contains(Long.toString(checkpoint));
                assertThat(v.get("timestamps").get("failed").toString()).contains("does not cover this checkpoint");
            } finally {
                setOutcome(st, first, "ORIGINAL");
                rehashFrom(owner, first);
                st.execute("SET hub.audit_maintenance = 'on'");
                try (PreparedStatement up = owner.prepareStatement("UPDATE audit_checkpoint SET head_hash = ?, signature = ? WHERE id = ?")) {
                    for (Object[] c : signed) {
                        up.setString(1, (String) c[1]);
                        up.setString(2, (String) c[2]);
                        up.setLong(3, (Long) c[0]);
                        up.executeUpdate();
                    }
                }
                st.execute("RESET hub.audit_maintenance");
                st.execute("SELECT pg_advisory_unlock(" + CHAIN_LOCK + ")");
            }
        }
        JsonNode v = verify();
        assertThat(v.get("valid").asBoolean()).as(v.toString()).isTrue();
    }

    /** A record of this test and a checkpoint over it; returns the checkpoint's id. */
    private long newCheckpoint() {
        audit.record(AuditEntry.internal("hub", null, "TSA_TEST", "OK", UUID.randomUUID().toString(), "a record to checkpoint"));
        Long id = checkpoints.checkpoint();
        assertThat(id).isNotNull();
        return id;
    }

    private JsonNode verify() {
        return TestTokens.as(http, TestTokens.auditor()).getForEntity("/api/v1/audit/verify", JsonNode.class).getBody();
    }

    private static void setOutcome(Statement st, long id, String outcome) throws Exception {
        st.execute("SET hub.audit_maintenance = 'on'");
        st.executeUpdate("UPDATE audit_record SET outcome = '" + outcome + "' WHERE id = " + id);
        st.execute("RESET hub.audit_maintenance");
    }

    /** What someone covering their tracks does: prev_hash and record_hash recomputed from {@code from} to the end. */
    private static void rehashFrom(Connection owner, long from) throws Exception {
        try (Statement st = owner.createStatement()) {
            st.execute("SET hub.audit_maintenance = 'on'");
            String prev;
            try (ResultSet rs = st.executeQuery("SELECT record_hash FROM audit_record WHERE id < " + from + " ORDER BY id DESC LIMIT 1")) {
                prev = rs.next() ? rs.getString(1) : AuditChain.GENESIS;
            }
            try (ResultSet rs = owner.createStatement().executeQuery("SELECT * FROM audit_record WHERE id >= " + from + " ORDER BY id");
                 PreparedStatement up = owner.prepareStatement("UPDATE audit_record SET prev_hash = ?, record_hash = ? WHERE id = ?")) {
                while (rs.next()) {
                    String hash = AuditChain.recordHashFromDigests(prev, rs.getTimestamp("recorded_at").toInstant(), rs.getString("direction"),
                            rs.getString("party"), rs.getString("dossier_code"), rs.getString("message_type"), rs.getString("outcome"),
                            (Long) rs.getObject("latency_ms"), rs.getString("correlation_id"), rs.getString("payload_digest"),
                            rs.getString("masked_payload_digest"), rs.getString("detail_digest"));
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

    /** With the hub's key: every checkpoint from {@code from} on signs the rewritten head again. */
    private void resignCheckpointsFrom(Connection owner, long from) throws Exception {
        try (Statement st = owner.createStatement()) {
            st.execute("SET hub.audit_maintenance = 'on'");
            try (ResultSet rs = owner.createStatement().executeQuery("SELECT c.id, c.last_record_id, c.created_at, r.record_hash"
                    + " FROM audit_checkpoint c JOIN audit_record r ON r.id = c.last_record_id WHERE c.last_record_id >= " + from);
                 PreparedStatement up = owner.prepareStatement("UPDATE audit_checkpoint SET head_hash = ?, signature = ? WHERE id = ?")) {
                while (rs.next()) {
                    String head = rs.getString("record_hash");
                    up.setString(1, head);
                    up.setString(2, checkpoints.sign(AuditCheckpoints.signedText(rs.getLong("last_record_id"), head,
                            rs.getTimestamp("created_at").toInstant())));
                    up.setLong(3, rs.getLong("id"));
                    up.executeUpdate();
                }
            }
            st.execute("RESET hub.audit_maintenance");
        }
    }
}
