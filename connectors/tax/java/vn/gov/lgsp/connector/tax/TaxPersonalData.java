package vn.gov.lgsp.connector.tax;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.privacy.PersonalDataHolder;

/**
 * The tax connector's personal data (class dossier-data): the tax office's free texts about a declaration (overdue and
 * rejection reasons, which may name the parties). The parties themselves travel in the dossier's events (the core's
 * holder); the declared value, notice, amount and payment reference stay for the payment's reconciliation.
 */
@Component
public class TaxPersonalData implements PersonalDataHolder {
    @Override public String name() { return "tax"; }
    @Override public String dataClass() { return "dossier-data"; }

    @Override
    public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
        return PersonalDataHolder.update(jdbc, "UPDATE tax_declaration SET overdue_reason = NULL, rejection_reasons = NULL"
                + " WHERE dossier_code = ANY(?::text[]) AND (overdue_reason IS NOT NULL OR rejection_reasons IS NOT NULL)", codes);
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("tax_declaration", PersonalDataHolder.rows(jdbc, "SELECT * FROM tax_declaration WHERE dossier_code = ANY(?::text[])"
                + " ORDER BY created_at", s.dossierCodes()));
        out.put("tax_callback", PersonalDataHolder.rows(jdbc, "SELECT c.* FROM tax_callback c JOIN tax_declaration d USING (document_id)"
                + " WHERE d.dossier_code = ANY(?::text[]) ORDER BY c.received_at", s.dossierCodes()));
        return out;
    }
}
