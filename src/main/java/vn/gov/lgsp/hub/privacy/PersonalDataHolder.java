package vn.gov.lgsp.hub.privacy;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.ColumnMapRowMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.db.ColumnArrays;

/**
 * Something of the hub that keeps personal data (Decree 13/2023): a core table group or a connector's tables. Each
 * holder is a Spring bean; the core's purge job ({@link PersonalDataPurge}), the auditor's reveal and the data-subject
 * export ({@link PersonalDataController}) find them all, so the core never names a connector's table and a new
 * connector adds its own holder beside its tables.
 *
 * <p>A purge clears the personal values (NULL, an empty text, or a redacted copy of a JSON document: {@link Redaction})
 * and keeps what the hub's statistics and reconciliations need (codes, statuses, amounts, times).
 */
public interface PersonalDataHolder {
    /** Who holds it, in exports and purge records: the connector's name, or the core's group ("dossiers", ...). */
    String name();

    /** Its data class: the retention {@code hub.privacy.retention.<class>} after the dossier closes applies to it. */
    String dataClass();

    /**
     * Clears the personal data it holds about these dossiers (closed longer ago than the class's retention), in the
     * caller's transaction. Returns the rows changed.
     */
    int purgeDossiers(JdbcTemplate jdbc, List<String> dossierCodes);

    /** Personal data it keeps apart from any dossier (caches, webhooks) older than {@code cutoff}; rows changed. */
    default int purgeOlderThan(JdbcTemplate jdbc, Instant cutoff) {
        return 0;
    }

    /** Everything it holds about the subject, unmasked, table -> rows (a data-subject export, an auditor's reveal). */
    Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject subject);

    /** Whom an export or a reveal is about: a citizen ID (may be null for a reveal), their dossiers and phones. */
    record DataSubject(String citizenId, List<String> dossierCodes, List<String> phones) {}

    /** Runs {@code sql}, each {@code ?::text[]} parameter bound to one of {@code arrays} in order; rows changed. */
    @SafeVarargs
    static int update(JdbcTemplate jdbc, String sql, Collection<String>... arrays) {
        if (Arrays.stream(arrays).allMatch(Collection::isEmpty)) return 0;
        return jdbc.update(ColumnArrays.statement(sql, List.of(), columns(arrays)));
    }

    /** The rows of {@code sql} ({@code ?::text[]} parameters bound to {@code arrays}), values JSON-friendly (times as ISO text). */
    @SafeVarargs
    static List<Map<String, Object>> rows(JdbcTemplate jdbc, String sql, Collection<String>... arrays) {
        if (Arrays.stream(arrays).allMatch(Collection::isEmpty)) return List.of();
        List<Map<String, Object>> rows = jdbc.query(ColumnArrays.statement(sql, List.of(), columns(arrays)), new ColumnMapRowMapper());
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Map<String, Object> plain = new LinkedHashMap<>();
            row.forEach((k, v) -> plain.put(k, plain(v)));
            out.add(plain);
        }
        return out;
    }

    private static ColumnArrays.Column[] columns(Collection<String>[] arrays) {
        return Arrays.stream(arrays).map(a -> ColumnArrays.column("text", a.toArray())).toArray(ColumnArrays.Column[]::new);
    }

    private static Object plain(Object v) {
        if (v instanceof Timestamp t) return t.toInstant().toString();
        if (v instanceof java.sql.Date d) return d.toLocalDate().toString();
        if (v instanceof Array a) {
            try {
                return Arrays.asList((Object[]) a.getArray());
            } catch (SQLException e) {
                return String.valueOf(a);
            }
        }
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) return v;
        return v.toString();
    }
}
