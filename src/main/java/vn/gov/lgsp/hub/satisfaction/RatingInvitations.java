package vn.gov.lgsp.hub.satisfaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.work.PartnerWorkQueues;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * One rating invitation per returned dossier (rating_invitation, keyed by the dossier code): planned when the
 * result reached the citizen with a due time (the delay after the result, outside quiet hours: the sending
 * connector decides it), then handed to the sending partner's queue as work of type {@link #MESSAGE_TYPE} once due.
 * The invitation carries a one-time token for the rating page.
 */
@Component
public class RatingInvitations {
    /** The partner work type of an invitation. */
    public static final String MESSAGE_TYPE = "RATING_INVITATION";
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final PartnerWorkQueues queues;
    private final SatisfactionProperties props;
    private final ObjectMapper json;

    public RatingInvitations(JdbcTemplate jdbc, TransactionTemplate tx, PartnerWorkQueues queues,
                             SatisfactionProperties props, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.queues = queues;
        this.props = props;
        this.json = json;
    }

    /** An invitation as stored. */
    public record Invitation(String dossierCode, String token, String procedureName, String agencyName,
                             Instant expiresAt, Instant tokenUsedAt, String status) {}

    /**
     * Plans the dossier's invitation unless it has one (a second trigger, a redelivered work item: nothing new).
     *
     * @return true when this call planned it
     */
    public boolean plan(String dossierCode, String trigger, String partner, Instant returnedAt, Instant dueAt) {
        List<Map<String, Object>> d = jdbc.queryForList("SELECT procedure_code, agency_code, snapshot FROM dossier WHERE code = ?", dossierCode);
        String procedureName = null, agencyName = null, procedureCode = null, agencyCode = null;
        if (!d.isEmpty()) {
            procedureCode = (String) d.get(0).get("procedure_code");
            agencyCode = (String) d.get(0).get("agency_code");
            try {
                JsonNode s = json.readTree((String) d.get(0).get("snapshot"));
                procedureName = s.path("procedureName").asText(null);
                agencyName = s.path("agencyName").asText(null);
            } catch (Exception ignored) {
                // names are for the page and the aggregates: codes suffice
            }
        }
        Instant expires = dueAt.plus(props.getTokenValidFor());
        return jdbc.update("INSERT INTO rating_invitation (dossier_code, token, trigger_type, partner, procedure_code, procedure_name,"
                + " agency_code, agency_name, returned_at, due_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (dossier_code) DO NOTHING",
                dossierCode, newToken(), trigger, partner, procedureCode, cut(procedureName, 300), agencyCode, cut(agencyName, 300),
                Timestamp.from(returnedAt), Timestamp.from(dueAt), Timestamp.from(expires)) == 1;
    }

    /**
     * Hands the invitations of {@code partner} that are due at {@code now} to its queue as {@link #MESSAGE_TYPE}
     * work ({@code rating:<dossier>}, body {dossierCode, updateType, detail {ratingUrl}}: the shape of a dossier
     * update, so the connector finds the dossier as for any update). Rows are claimed FOR UPDATE SKIP LOCKED (one
     * instance hands each); the broker commits before the rows are marked, so a crash in between hands one twice,
     * and the work id and the connector's own once-per-dossier key absorb the second.
     *
     * @return how many were handed over
     */
    public int release(String partner, Instant now, int limit) {
        Integer n = tx.execute(s -> {
            List<Map<String, Object>> due = jdbc.queryForList("SELECT dossier_code, token FROM rating_invitation"
                    + " WHERE status = 'PLANNED' AND partner = ? AND due_at <= ? ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED",
                    partner, Timestamp.from(now), limit);
            if (due.isEmpty()) return 0;
            queues.enqueueAll(due.stream().map(r -> {
                String code = (String) r.get("dossier_code");
                ObjectNode body = json.createObjectNode().put("dossierCode", code).put("updateType", MESSAGE_TYPE);
                body.putObject("detail").put("ratingUrl", props.link((String) r.get("token")));
                return WorkItem.first(partner, "rating:" + code, code, MESSAGE_TYPE, body.toString());
            }).toList());
            jdbc.batchUpdate("UPDATE rating_invitation SET status = 'QUEUED', queued_at = now() WHERE dossier_code = ?",
                    due.stream().map(r -> new Object[] {r.get("dossier_code")}).toList());
            return due.size();
        });
        return n == null ? 0 : n;
    }

    public Optional<Invitation> byToken(String token) {
        return jdbc.query("SELECT dossier_code, token, procedure_name, agency_name, expires_at, token_used_at, status"
                + " FROM rating_invitation WHERE token = ?", (rs, i) -> new Invitation(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), rs.getString(7)), token).stream().findFirst();
    }

    /** 22 characters of a 57-letter alphabet (~128 bits): letters and digits only, unambiguous, GSM-7 safe. */
    static String newToken() {
        char[] c = new char[22];
        for (int i = 0; i < c.length; i++) c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        return new String(c);
    }

    /** A token's shape: what the page accepts before looking it up. */
    public static boolean wellFormed(String token) {
        if (token == null || token.length() != 22) return false;
        for (int i = 0; i < token.length(); i++) {
            char ch = token.charAt(i);
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '9'))) return false;
        }
        return true;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
