package vn.gov.lgsp.connector.sms;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.privacy.PersonalDataHolder;

/** The SMS connector's personal data (class messages): each message's phone and text ({@code sms_message}). */
@Component
public class SmsPersonalData implements PersonalDataHolder {
    @Override public String name() { return "sms"; }
    @Override public String dataClass() { return "messages"; }

    @Override
    public int purgeDossiers(JdbcTemplate jdbc, List<String> dossierCodes) {
        // NOT NULL columns: emptied; the status, segments and times stay for the monthly SMS bill
        return PersonalDataHolder.update(jdbc, "UPDATE sms_message SET phone = '', content = ''"
                + " WHERE dossier_code = ANY(?::text[]) AND (phone <> '' OR content <> '')", dossierCodes);
    }

    /** Messages of no dossier (none are sent today; kept for safety) are purged by age. */
    @Override
    public int purgeOlderThan(JdbcTemplate jdbc, Instant cutoff) {
        return jdbc.update("UPDATE sms_message SET phone = '', content = '' WHERE dossier_code IS NULL AND created_at < ?"
                + " AND status NOT IN ('DEFERRED', 'RELEASED') AND (phone <> '' OR content <> '')", Timestamp.from(cutoff));
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
        return Map.of("sms_message", PersonalDataHolder.rows(jdbc, "SELECT * FROM sms_message WHERE dossier_code = ANY(?::text[])"
                + " OR phone = ANY(?::text[]) ORDER BY created_at", s.dossierCodes(), s.phones()));
    }
}
