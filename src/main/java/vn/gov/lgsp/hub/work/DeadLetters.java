package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.model.PersonalData;

/** Work that a partner refused or that ran out of attempts, kept for operators to inspect and replay. */
@Component
public class DeadLetters {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate jmsTx;
    private final PartnerWorkQueues queues;
    private final AuditLog audit;
    private final ObjectMapper json;

    public DeadLetters(JdbcTemplate jdbc, @Qualifier("jmsTransactionTemplate") TransactionTemplate jmsTx,
                       PartnerWorkQueues queues, AuditLog audit, ObjectMapper json) {
        this.jdbc = jdbc;
        this.jmsTx = jmsTx;
        this.queues = queues;
        this.audit = audit;
        this.json = json;
    }

    /** The SQL that files a dead letter; a work item has at most one open dead letter. */
    static AuditLog.Companion insert(WorkItem item, String reason, Map<String, String> headers, String headersJson) {
        return new AuditLog.Companion(
                "INSERT INTO dead_letter (partner, work_id, dossier_code, message_type, reason, attempts, payload, headers)"
                        + " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (work_id) WHERE status = 'OPEN' DO NOTHING",
                new Object[] {item.partner(), item.workId(), item.dossierCode(), item.messageType(), reason,
                        item.attempt(), item.body(), headersJson});
    }

    public List<Map<String, Object>> list(String partner, String dossierCode, String status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, partner, work_id, dossier_code, message_type, reason, attempts,"
                + " payload, status, created_at, replayed_at, replayed_by FROM dead_letter WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (partner != null) { sql.append(" AND partner = ?"); args.add(partner); }
        if (dossierCode != null) { sql.append(" AND dossier_code = ?"); args.add(dossierCode); }
        if (status != null) { sql.append(" AND status = ?"); args.add(status); }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, i) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", rs.getLong("id"));
            m.put("partner", rs.getString("partner"));
            m.put("workId", rs.getString("work_id"));
            m.put("dossierCode", rs.getString("dossier_code"));
            m.put("messageType", rs.getString("message_type"));
            m.put("reason", rs.getString("reason"));
            m.put("attempts", rs.getInt("attempts"));
            m.put("payload", PersonalData.maskJson(rs.getString("payload")));
            m.put("status", rs.getString("status"));
            m.put("createdAt", rs.getTimestamp("created_at").toInstant().toString());
            Timestamp replayed = rs.getTimestamp("replayed_at");
            m.put("replayedAt", replayed == null ? null : replayed.toInstant().toString());
            m.put("replayedBy", rs.getString("replayed_by"));
            return m;
        }, args.toArray());
    }

    public Map<String, Long> openCountsByPartner() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("SELECT partner, count(*) FROM dead_letter WHERE status = 'OPEN' GROUP BY partner",
                rs -> { counts.put(rs.getString(1), rs.getLong(2)); });
        return counts;
    }

    public enum ReplayResult { REPLAYED, NOT_FOUND, NOT_OPEN }

    /**
     * Puts the dead letter back on its partner's queue as a fresh first attempt, marks it replayed and audits who
     * did it. The broker send commits first: a crash in between leaves the letter OPEN and the work queued, and
     * the work's idempotency guard absorbs a second replay.
     */
    public ReplayResult replay(long id, String operator) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT partner, work_id, dossier_code, message_type, payload, status FROM dead_letter WHERE id = ?", id);
        if (rows.isEmpty()) return ReplayResult.NOT_FOUND;
        Map<String, Object> row = rows.get(0);
        if (!"OPEN".equals(row.get("status"))) return ReplayResult.NOT_OPEN;
        WorkItem item = WorkItem.first((String) row.get("partner"), (String) row.get("work_id"),
                (String) row.get("dossier_code"), (String) row.get("message_type"), (String) row.get("payload"));
        jmsTx.executeWithoutResult(s -> queues.send(item, 0, null, Map.of(WorkHeaders.REPLAY_OF, Long.toString(id))));
        audit.recordWith(List.of(new AuditLog.Companion(
                        "UPDATE dead_letter SET status = 'REPLAYED', replayed_at = ?, replayed_by = ? WHERE id = ? AND status = 'OPEN'",
                        new Object[] {Timestamp.from(Instant.now()), operator, id})),
                AuditEntry.internal("operator", item.dossierCode(), "DEAD_LETTER_REPLAY", "REPLAYED", item.workId(),
                        "dead letter " + id + " replayed to " + queues.queueOf(item.partner(), item.dossierCode(), item.workId()) + " by " + operator));
        return ReplayResult.REPLAYED;
    }

    String headersJson(Map<String, String> headers) {
        try {
            return json.writeValueAsString(headers);
        } catch (Exception e) {
            return "{}";
        }
    }
}
