package vn.gov.lgsp.hub.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Operators' and auditors' view of the audit log: a dossier's timeline and the chain check. */
@RestController
@Tag(name = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_AUDIT)
public class AuditController {
    private final JdbcTemplate jdbc;
    private final AuditCheckpoints checkpointKeys;
    private final AuditTimestamps timestamps;

    public AuditController(JdbcTemplate jdbc, AuditCheckpoints checkpointKeys, AuditTimestamps timestamps) {
        this.jdbc = jdbc;
        this.checkpointKeys = checkpointKeys;
        this.timestamps = timestamps;
    }

    /** Every record of one dossier, oldest first. Payloads are masked. */
    @Operation(summary = "A dossier's timeline", description = "Every audit record of the dossier, oldest first (payloads masked).")
    @GetMapping("/api/v1/dossiers/{code}/timeline")
    public Map<String, Object> timeline(@PathVariable String code) {
        List<Map<String, Object>> records = jdbc.query(
                "SELECT id, recorded_at, direction, party, message_type, outcome, latency_ms, correlation_id,"
                        + " payload_digest, masked_payload, detail, masked_payload_digest, detail_digest"
                        + " FROM audit_record WHERE dossier_code = ? ORDER BY id",
                (rs, i) -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("id", rs.getLong("id"));
                    r.put("at", rs.getTimestamp("recorded_at").toInstant().toString());
                    r.put("direction", rs.getString("direction"));
                    r.put("party", rs.getString("party"));
                    r.put("messageType", rs.getString("message_type"));
                    r.put("outcome", rs.getString("outcome"));
                    r.put("latencyMs", rs.getObject("latency_ms"));
                    r.put("correlationId", rs.getString("correlation_id"));
                    r.put("payloadDigest", rs.getString("payload_digest"));
                    r.put("payload", rs.getString("masked_payload"));
                    r.put("detail", rs.getString("detail"));
                    // a purge cleared the texts of a closed dossier past retention; their digests keep the chain whole
                    if (rs.getString("masked_payload") == null && rs.getString("masked_payload_digest") != null
                            || rs.getString("detail") == null && rs.getString("detail_digest") != null) {
                        r.put("purged", true);
                    }
                    return r;
                }, code);
        return Map.of("dossierCode", code, "records", records);
    }

    /**
     * Recomputes the whole chain and names every record that does not match (each judged against the record stored
     * before it), then checks the signed checkpoints ({@link AuditCheckpoints}): a checkpoint whose record is gone or
     * holds another hash than the one signed names a rewrite, even one that recomputed every hash after it.
     */
    @Operation(summary = "Verify the audit chain", description = "Recomputes the whole hash chain; names every record"
            + " that was altered, removed or inserted, checks the signed checkpoints of the head and their RFC 3161 time-stamp"
            + " tokens. lastHash is the head to keep outside the hub.")
    @GetMapping("/api/v1/audit/verify")
    public Map<String, Object> verify() {
        Map<Long, List<Map<String, Object>>> checkpointsByRecord = new HashMap<>();
        List<Map<String, Object>> checkpoints = jdbc.queryForList("SELECT * FROM audit_checkpoint ORDER BY id");
        checkpoints.forEach(c -> checkpointsByRecord.computeIfAbsent(((Number) c.get("last_record_id")).longValue(), k -> new ArrayList<>()).add(c));
        Verifier v = new Verifier(checkpointsByRecord);
        jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT * FROM audit_record ORDER BY id");
            ps.setFetchSize(2000);
            return ps;
        }, v::check);
        List<Map<String, Object>> failedCheckpoints = new ArrayList<>();
        int verified = 0, untrusted = 0;
        for (Map<String, Object> c : checkpoints) {
            long cid = ((Number) c.get("id")).longValue();
            long record = ((Number) c.get("last_record_id")).longValue();
            String head = (String) c.get("head_hash");
            String verdict = checkpointKeys.signatureVerdict(record, head, ((java.sql.Timestamp) c.get("created_at")).toInstant(),
                    (String) c.get("algorithm"), (String) c.get("public_key"), (String) c.get("signature"));
            String problem = null;
            if ("BAD_SIGNATURE".equals(verdict)) {
                problem = "the checkpoint's signature does not verify (the checkpoint was forged or altered)";
            } else if (!v.seenHashes.containsKey(record)) {
                problem = "the record this checkpoint signed is gone (records were removed)";
            } else if (!head.equals(v.seenHashes.get(record))) {
                problem = "the record this checkpoint signed now has another hash (the chain was rewritten up to here)";
            }
            if (problem != null) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("checkpointId", cid);
                f.put("recordId", record);
                f.put("problem", problem);
                failedCheckpoints.add(f);
            } else if ("UNTRUSTED_KEY".equals(verdict)) {
                untrusted++;
            } else {
                verified++;
            }
        }
        Map<String, Object> stamps = checkTimestamps(checkpoints);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", v.broken.isEmpty() && failedCheckpoints.isEmpty() && ((List<?>) stamps.get("failed")).isEmpty());
        out.put("recordsChecked", v.count);
        out.put("recordsPurged", v.purged);
        out.put("lastHash", v.prev);
        out.put("brokenCount", v.brokenCount);
        out.put("broken", v.broken);
        if (!v.broken.isEmpty()) {
            out.put("firstBrokenId", v.broken.get(0).get("id"));
            out.put("problem", v.broken.get(0).get("problem"));
        }
        Map<String, Object> cp = new LinkedHashMap<>();
        cp.put("checked", checkpoints.size());
        cp.put("verified", verified);
        cp.put("signedByUntrustedKey", untrusted);
        cp.put("failed", failedCheckpoints);
        out.put("checkpoints", cp);
        out.put("timestamps", stamps);
        out.put("checkedAt", Instant.now().toString());
        return out;
    }

    /**
     * Each checkpoint's RFC 3161 token ({@link AuditTimestamps}) is checked against the checkpoint as it is now: the
     * imprint must be the SHA-256 of its signed text and the signature the configured authority's. A token that does
     * not verify names its checkpoint; checkpoints due a token the authority has not given yet are counted as pending.
     */
    private Map<String, Object> checkTimestamps(List<Map<String, Object>> checkpoints) {
        Map<Long, Map<String, Object>> byId = new HashMap<>();
        checkpoints.forEach(c -> byId.put(((Number) c.get("id")).longValue(), c));
        List<Map<String, Object>> failed = new ArrayList<>();
        int checked = 0, verified = 0, notChecked = 0, untrusted = 0;
        for (Map<String, Object> t : jdbc.queryForList("SELECT checkpoint_id, token, gen_time FROM audit_timestamp ORDER BY checkpoint_id")) {
            checked++;
            long cid = ((Number) t.get("checkpoint_id")).longValue();
            Map<String, Object> c = byId.get(cid);
            String problem;
            if (c == null) {
                problem = "the checkpoint this token covers is gone";
            } else {
                byte[] der;
                try {
                    der = java.util.Base64.getDecoder().decode((String) t.get("token"));
                } catch (IllegalArgumentException e) {
                    der = new byte[0];
                }
                problem = timestamps.problem(der, AuditTimestamps.imprint(((Number) c.get("last_record_id")).longValue(),
                        (String) c.get("head_hash"), ((java.sql.Timestamp) c.get("created_at")).toInstant()));
            }
            if (problem == null) {
                verified++;
            } else if (AuditTimestamps.NOT_CHECKED.equals(problem)) {
                notChecked++;
            } else if (AuditTimestamps.UNTRUSTED_AUTHORITY.equals(problem)) {
                untrusted++;
            } else {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("checkpointId", cid);
                f.put("problem", problem);
                failed.add(f);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checked", checked);
        out.put("verified", verified);
        out.put("notChecked", notChecked);
        out.put("signedByUntrustedAuthority", untrusted);
        out.put("pending", timestamps.pending());
        out.put("failed", failed);
        return out;
    }

    private static final class Verifier {
        /** Broken records listed in the answer; beyond this many they are only counted. */
        private static final int LISTED = 1000;
        final Map<Long, List<Map<String, Object>>> checkpointRecords;
        final Map<Long, String> seenHashes = new HashMap<>();
        final List<Map<String, Object>> broken = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        long count;
        long brokenCount;
        long purged;

        Verifier(Map<Long, List<Map<String, Object>>> checkpointRecords) {
            this.checkpointRecords = checkpointRecords;
        }

        void check(ResultSet rs) throws SQLException {
            count++;
            long id = rs.getLong("id");
            String storedPrev = rs.getString("prev_hash");
            String stored = rs.getString("record_hash");
            if (checkpointRecords.containsKey(id)) seenHashes.put(id, stored);
            if (!prev.equals(storedPrev)) {
                broken(id, "prev_hash does not match the hash of the record before it (a record was removed or inserted)");
            } else {
                String problem = contentProblem(rs, storedPrev, stored);
                if (problem != null) broken(id, problem);
            }
            // the next record is judged against this one as stored: each break is named once, where it is
            prev = stored;
        }

        /**
         * Null when the record's content gives its stored hash. Version 2 records hash their texts' digests: a text
         * that is there must have the digest stored beside it, and a purged text (cleared, digest kept) is judged by
         * that digest; version 1 records (before V41) hash their texts themselves.
         */
        private String contentProblem(ResultSet rs, String storedPrev, String stored) throws SQLException {
            Long latency = (Long) rs.getObject("latency_ms");
            Instant at = rs.getTimestamp("recorded_at").toInstant();
            String masked = rs.getString("masked_payload"), detail = rs.getString("detail");
            String expected;
            if (rs.getInt("hash_version") == 1) {
                expected = AuditChain.recordHashV1(storedPrev, at, rs.getString("direction"), rs.getString("party"),
                        rs.getString("dossier_code"), rs.getString("message_type"), rs.getString("outcome"), latency,
                        rs.getString("correlation_id"), rs.getString("payload_digest"), masked, detail);
            } else {
                String maskedDigest = rs.getString("masked_payload_digest"), detailDigest = rs.getString("detail_digest");
                if (masked != null && !AuditChain.textDigest(masked).equals(maskedDigest)
                        || detail != null && !AuditChain.textDigest(detail).equals(detailDigest)) {
                    return "the record's text does not match the digest stored with it (the record was altered)";
                }
                if (masked == null && maskedDigest != null || detail == null && detailDigest != null) purged++;
                expected = AuditChain.recordHashFromDigests(storedPrev, at, rs.getString("direction"), rs.getString("party"),
                        rs.getString("dossier_code"), rs.getString("message_type"), rs.getString("outcome"), latency,
                        rs.getString("correlation_id"), rs.getString("payload_digest"), maskedDigest, detailDigest);
            }
            return expected.equals(stored) ? null : "the record's content does not match its hash (the record was altered)";
        }

        private void broken(long id, String problem) {
            brokenCount++;
            if (broken.size() < LISTED) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("id", id);
                b.put("problem", problem);
                broken.add(b);
            }
        }
    }
}
