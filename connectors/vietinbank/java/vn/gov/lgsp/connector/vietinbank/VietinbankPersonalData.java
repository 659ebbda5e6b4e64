package vn.gov.lgsp.connector.vietinbank;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.privacy.PersonalDataHolder;

/**
 * The VietinBank connector's personal data (class payments): the details of payment exceptions (what the bank sent
 * about an unexpected payment). Payment codes, amounts and transaction ids stay: the province's accounts need them.
 */
@Component
public class VietinbankPersonalData implements PersonalDataHolder {
    @Override public String name() { return "vietinbank"; }
    @Override public String dataClass() { return "payments"; }

    @Override
    public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
        return PersonalDataHolder.update(jdbc, "UPDATE vtb_payment_exception SET detail = NULL WHERE dossier_code = ANY(?::text[])"
                + " AND detail IS NOT NULL", codes);
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("vtb_payment_request", PersonalDataHolder.rows(jdbc, "SELECT * FROM vtb_payment_request WHERE dossier_code = ANY(?::text[])"
                + " ORDER BY created_at", s.dossierCodes()));
        out.put("vtb_transaction", PersonalDataHolder.rows(jdbc, "SELECT * FROM vtb_transaction WHERE dossier_code = ANY(?::text[])"
                + " ORDER BY trans_time", s.dossierCodes()));
        out.put("vtb_payment_exception", PersonalDataHolder.rows(jdbc, "SELECT * FROM vtb_payment_exception WHERE dossier_code = ANY(?::text[])"
                + " ORDER BY id", s.dossierCodes()));
        return out;
    }
}
