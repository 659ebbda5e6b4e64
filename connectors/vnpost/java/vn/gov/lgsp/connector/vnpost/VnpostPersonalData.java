package vn.gov.lgsp.connector.vnpost;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.privacy.PersonalDataHolder;

/**
 * The VNPost connector's share of a citizen's data (class dossier-data): its orders and their statuses. The orders
 * keep no address, name or phone (those are sent from the dossier's events, held by the core, and are in the audit
 * log's masked copies only), so a purge has nothing to clear here; an export lists the parcels (tracking numbers are
 * the citizen's by linkage).
 */
@Component
public class VnpostPersonalData implements PersonalDataHolder {
    @Override public String name() { return "vnpost"; }
    @Override public String dataClass() { return "dossier-data"; }

    @Override
    public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
        return 0;
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("vnpost_order", PersonalDataHolder.rows(jdbc, "SELECT * FROM vnpost_order WHERE dossier_code = ANY(?::text[]) ORDER BY id",
                s.dossierCodes()));
        out.put("vnpost_status", PersonalDataHolder.rows(jdbc, "SELECT s.* FROM vnpost_status s JOIN vnpost_order o ON o.id = s.order_id"
                + " WHERE o.dossier_code = ANY(?::text[]) ORDER BY s.id", s.dossierCodes()));
        return out;
    }
}
