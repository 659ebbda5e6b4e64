package vn.gov.lgsp.hub.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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

    public AuditController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Every record of one dossier, oldest first. Payloads are masked. */
    @Operation(summary = "A dossier's timeline", description = "Every audit record of the dossier, oldest first (payloads masked).")
    @GetMapping("/api/v1/dossiers/{code}/timeline")
    public Map<String, Object> timeline(@PathVariable String code) {
        List<Map<String, Object>> records = jdbc.query(
                "SELECT id, recorded_at, direction, party, message_type, outcome, latency_ms, correlation_id,"
                        + " payload_digest, masked_payload, detail FROM audit_record WHERE dossier_code = ? ORDER BY id",
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
                    return r;
                }, code);
        return Map.of("dossierCode", code, "records", records);
    }

    /** Recomputes the whole chain and names the first record that does not match. */
    @Operation(summary = "Verify the audit chain", description = "Recomputes the whole hash chain; names the first record"
            + " that was altered, removed or inserted. lastHash is the head to keep outside the hub.")
    @GetMapping("/api/v1/audit/verify")
    public Map<String, Object> verify() {
        Verifier v = new Verifier();
        jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT * FROM audit_record ORDER BY id");
            ps.setFetchSize(2000);
            return ps;
        }, v::check);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", v.firstBroken == null);
        out.put("recordsChecked", v.count);
        out.put("lastHash", v.prev);
        if (v.firstBroken != null) {
            out.put("firstBrokenId", v.firstBroken);
            out.put("problem", v.problem);
        }
        out.put("checkedAt", Instant.now().toString());
        return out;
    }

    private static final class Verifier {
        String prev = AuditChain.GENESIS;
        long count;
        Long firstBroken;
        String problem;

        void check(ResultSet rs) throws SQLException {
            count++;
            if (firstBroken != null) return;
            long id = rs.getLong("id");
            String storedPrev = rs.getString("prev_hash");
            if (!prev.equals(storedPrev)) {
                firstBroken = id;
                problem = "prev_hash does not match the hash of the record before it (a record was removed or inserted)";
                return;
            }
            Long latency = (Long) rs.getObject("latency_ms");
            String expected = AuditChain.recordHash(storedPrev, rs.getTimestamp("recorded_at").toInstant(),
                    rs.getString("direction"), rs.getString("party"), rs.getString("dossier_code"),
                    rs.getString("message_type"), rs.getString("outcome"), latency, rs.getString("correlation_id"),
                    rs.getString("payload_digest"), rs.getString("masked_payload"), rs.getString("detail"));
            String stored = rs.getString("record_hash");
            if (!expected.equals(stored)) {
                firstBroken = id;
                problem = "the record's content does not match its hash (the record was altered)";
                return;
            }
            prev = stored;
        }
    }
}
