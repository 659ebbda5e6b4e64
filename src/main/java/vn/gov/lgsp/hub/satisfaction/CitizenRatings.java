package vn.gov.lgsp.hub.satisfaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Records citizens' ratings: one per dossier (the first counts), correlated to the dossier's invitation, with the
 * comment masked ({@link RatingComments}), and publishes each as a CITIZEN_RATED update (updateId
 * {@code rating:<dossier>}) to the one-stop system, from where routes/update-citizen-rated.yaml may forward it.
 * The update is queued (broker commit) inside the database transaction that stores the rating, so a rating is
 * never stored without its update; a crash between the two commits publishes the update again on the retry,
 * under the same updateId.
 */
@Component
public class CitizenRatings {
    private static final Logger log = LoggerFactory.getLogger(CitizenRatings.class);
    public static final String UPDATE_TYPE = "CITIZEN_RATED";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DossierUpdates updates;
    private final AuditLog audit;
    private final SatisfactionProperties props;
    private final ObjectMapper json;

    public CitizenRatings(JdbcTemplate jdbc, TransactionTemplate tx, DossierUpdates updates, AuditLog audit,
                          SatisfactionProperties props, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.updates = updates;
        this.audit = audit;
        this.props = props;
        this.json = json;
    }

    public enum Channel { ZALO, WEB }

    public enum Outcome { RECORDED, ALREADY_RATED, UNKNOWN, EXPIRED }

    /**
     * A rating as received (not yet masked).
     *
     * @param sourceRef the ZNS msg_id, or "page"
     */
    public record Rating(int stars, List<String> reasons, String comment, Channel channel, String sourceRef, Instant submittedAt) {
        public Rating {
            if (stars < 1 || stars > 5) throw new IllegalArgumentException("stars must be 1..5");
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }
    }

    /** A rating from the page: the invitation found by its token, which then cannot be used again. */
    public Outcome recordByToken(String token, Rating rating) {
        return record("token", token, rating, true);
    }

    /** A rating from a partner (ZNS) for a dossier whose invitation the partner correlated. */
    public Outcome recordForDossier(String dossierCode, Rating rating) {
        return record("dossier_code", dossierCode, rating, false);
    }

    private Outcome record(String column, String key, Rating rating, boolean checkExpiry) {
        Outcome outcome = tx.execute(s -> {
            List<Map<String, Object>> inv = jdbc.queryForList("SELECT dossier_code, expires_at, token_used_at FROM rating_invitation WHERE "
                    + column + " = ? FOR UPDATE", key);
            if (inv.isEmpty()) return Outcome.UNKNOWN;
            String dossier = (String) inv.get(0).get("dossier_code");
            if (inv.get(0).get("token_used_at") != null) return Outcome.ALREADY_RATED;
            if (checkExpiry && ((Timestamp) inv.get(0).get("expires_at")).toInstant().isBefore(Instant.now())) return Outcome.EXPIRED;
            List<String> reasons = reasons(rating.reasons());
            String comment = RatingComments.mask(rating.comment(), knownNames(dossier), props.getCommentMaxLength());
            int inserted = jdbc.update(con -> {
                var ps = con.prepareStatement("INSERT INTO citizen_rating (dossier_code, stars, reasons, comment_masked, channel,"
                        + " source_ref, submitted_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT (dossier_code) DO NOTHING");
                ps.setString(1, dossier);
                ps.setInt(2, rating.stars());
                ps.setArray(3, con.createArrayOf("text", reasons.toArray()));
                ps.setString(4, comment);
                ps.setString(5, rating.channel().name());
                ps.setString(6, cut(rating.sourceRef(), 160));
                ps.setTimestamp(7, Timestamp.from(rating.submittedAt()));
                return ps;
            });
            if (inserted == 0) return Outcome.ALREADY_RATED;
            jdbc.update("UPDATE rating_invitation SET token_used_at = now() WHERE dossier_code = ?", dossier);
            DossierUpdate update = update(dossier, rating, reasons, comment);
            updates.publish(List.of(update)); // broker commit first: the rating row commits after it
            List<AuditEntry> entries = List.of(AuditEntry.in(source(rating), dossier, UPDATE_TYPE, "RECORDED",
                    update.updateId(), updates.toJson(update.detail())));
            audit.appendInCurrentTransaction(entries);
            audit.count(entries);
            return Outcome.RECORDED;
        });
        if (outcome == Outcome.RECORDED) {
            log.info("satisfaction: {} star(s) recorded by {} for an invitation", rating.stars(), rating.channel());
        }
        return outcome;
    }

    private DossierUpdate update(String dossier, Rating rating, List<String> reasons, String comment) {
        ObjectNode detail = json.createObjectNode();
        detail.put("stars", rating.stars());
        detail.put("satisfied", rating.stars() >= 4);
        reasons.forEach(detail.putArray("reasons")::add);
        if (comment != null) detail.put("comment", comment);
        detail.put("channel", rating.channel().name());
        detail.put("ratedAt", OffsetDateTime.ofInstant(rating.submittedAt(), DossierUpdates.VIETNAM).toString());
        return DossierUpdates.of("rating:" + dossier, dossier, UPDATE_TYPE, source(rating), detail);
    }

    private static String source(Rating rating) {
        return rating.channel() == Channel.ZALO ? "zalo" : "hub";
    }

    /** Up to 20 distinct non-blank reasons of at most 200 characters, masked like a comment. */
    private static List<String> reasons(List<String> given) {
        List<String> out = new ArrayList<>();
        for (String r : given) {
            String m = RatingComments.mask(r, List.of(), 200);
            if (m != null && !out.contains(m) && out.size() < 20) out.add(m);
        }
        return out;
    }

    /** The names the dossier's comment may mention: the applicant's and the handler's. */
    private List<String> knownNames(String dossier) {
        List<String> snapshot = jdbc.queryForList("SELECT snapshot FROM dossier WHERE code = ?", String.class, dossier);
        if (snapshot.isEmpty()) return List.of();
        try {
            JsonNode d = json.readTree(snapshot.get(0));
            List<String> names = new ArrayList<>();
            names.add(d.path("applicant").path("fullName").asText(null));
            names.add(d.path("handler").path("name").asText(null));
            return names;
        } catch (Exception e) {
            return List.of();
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
