package vn.gov.lgsp.connector.police;

import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.privacy.PersonalDataHolder;

/**
 * The police connector's personal data (class identity-checks): the checked citizen ID's hash and masked form
 * ({@code police_identity_check}). A SHA-256 of a 12-digit ID is found again by trying them all: it is personal data.
 */
@Component
public class PolicePersonalData implements PersonalDataHolder {
    @Override public String name() { return "police"; }
    @Override public String dataClass() { return "identity-checks"; }

    @Override
    public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
        // the result (MATCH, MISMATCH and which fields) and the times stay: the check was made, for whom is gone
        return PersonalDataHolder.update(jdbc, "UPDATE police_identity_check SET citizen_id_hash = '', citizen_id_masked = '***'"
                + " WHERE dossier_code = ANY(?::text[]) AND citizen_id_hash <> ''", codes);
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
        return Map.of("police_identity_check", PersonalDataHolder.rows(jdbc, "SELECT * FROM police_identity_check"
                + " WHERE dossier_code = ANY(?::text[]) ORDER BY id", s.dossierCodes()));
    }
}
