package vn.gov.lgsp.connector.zalo;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.privacy.PersonalDataHolder;

/**
 * The Zalo connector's personal data (class messages): each notification's recipient phone and detail
 * ({@code notify_message}), what the OA learnt of the citizen's phone ({@code zalo_no_account}, {@code zalo_follower}),
 * and the webhooks' payloads ({@code zalo_webhook_event}: user ids and rating notes), purged by age once worked.
 */
@Component
public class ZaloPersonalData implements PersonalDataHolder {
    /** The phones of these dossiers' notifications, both forms (0... in notify_message, either in the caches). */
    private static final String PHONES = "SELECT recipient FROM notify_message WHERE dossier_code = ANY(?::text[]) AND recipient ~ '^0[0-9]+$'"
            + " UNION SELECT '84' || substr(recipient, 2) FROM notify_message WHERE dossier_code = ANY(?::text[]) AND recipient ~ '^0[0-9]+$'";

    @Override public String name() { return "zalo"; }
    @Override public String dataClass() { return "messages"; }

    @Override
    public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
        int rows = PersonalDataHolder.update(jdbc, "DELETE FROM zalo_no_account WHERE phone IN (" + PHONES + ")", codes, codes);
        rows += PersonalDataHolder.update(jdbc, "DELETE FROM zalo_follower WHERE phone IN (" + PHONES + ")", codes, codes);
        // the recipient is part of a unique key (dossier, event, recipient): a per-message placeholder that is no phone
        rows += PersonalDataHolder.update(jdbc, "UPDATE notify_message SET recipient = '-' || substr(md5(message_id), 1, 15),"
                + " detail = NULL WHERE dossier_code = ANY(?::text[]) AND recipient NOT LIKE '-%'", codes);
        return rows;
    }

    @Override
    public int purgeOlderThan(JdbcTemplate jdbc, Instant cutoff) {
        Timestamp before = Timestamp.from(cutoff);
        int rows = jdbc.update("UPDATE zalo_webhook_event SET payload = '{}' WHERE received_at < ? AND status IN ('DONE', 'FAILED')"
                + " AND payload <> '{}'", before);
        rows += jdbc.update("DELETE FROM zalo_no_account WHERE recorded_at < ?", before);
        rows += jdbc.update("DELETE FROM zalo_follower WHERE updated_at < ?", before);
        return rows;
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("notify_message", PersonalDataHolder.rows(jdbc, "SELECT * FROM notify_message WHERE dossier_code = ANY(?::text[])"
                + " OR recipient = ANY(?::text[]) ORDER BY created_at", s.dossierCodes(), s.phones()));
        out.put("zalo_no_account", PersonalDataHolder.rows(jdbc, "SELECT * FROM zalo_no_account WHERE phone = ANY(?::text[])", s.phones()));
        out.put("zalo_follower", PersonalDataHolder.rows(jdbc, "SELECT * FROM zalo_follower WHERE phone = ANY(?::text[])", s.phones()));
        return out;
    }
}
