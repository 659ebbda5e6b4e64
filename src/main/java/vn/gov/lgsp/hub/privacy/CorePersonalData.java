package vn.gov.lgsp.hub.privacy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.model.PersonalData;

/**
 * The core's own holders of personal data (each connector declares its own beside its tables):
 * <ul>
 *   <li>{@code dossiers} (class dossier-data): the events as received ({@code inbound_event.payload}), the dossier's
 *   latest state ({@code dossier.snapshot}, {@code applicant_phone}) and rejected input ({@code rejected_message});</li>
 *   <li>{@code work} (class work-data): partner work that failed ({@code dead_letter} payload, headers, reason), the
 *   updates work produced ({@code work_completion.updates}), reasons of held work ({@code work_hold});</li>
 *   <li>{@code ratings} (class messages): citizens' comments ({@code citizen_rating.comment_masked});</li>
 *   <li>{@code audit} (class audit-texts): the masked payloads and details of the audit log, cleared by the owner's
 *   function {@code audit_redact_dossier} (V41), which keeps their digests: the chain still verifies.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class CorePersonalData {

    @Bean
    public PersonalDataHolder dossierData() {
        return new PersonalDataHolder() {
            public String name() { return "dossiers"; }
            public String dataClass() { return "dossier-data"; }

            public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
                int rows = redactEach(jdbc, "SELECT event_id AS k, payload AS v FROM inbound_event WHERE dossier_code = ANY(?::text[])",
                        "UPDATE inbound_event SET payload = ? WHERE event_id = ?", codes);
                rows += redactEach(jdbc, "SELECT code AS k, snapshot AS v FROM dossier WHERE code = ANY(?::text[])",
                        "UPDATE dossier SET snapshot = ?, applicant_phone = NULL WHERE code = ?", codes);
                rows += PersonalDataHolder.update(jdbc, "UPDATE rejected_message SET raw_masked = '" + Redaction.PURGED + "'"
                        + " WHERE dossier_code = ANY(?::text[])", codes);
                return rows;
            }

            public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
                Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
                out.put("dossier", PersonalDataHolder.rows(jdbc, "SELECT * FROM dossier WHERE code = ANY(?::text[]) ORDER BY code", s.dossierCodes()));
                out.put("inbound_event", PersonalDataHolder.rows(jdbc, "SELECT * FROM inbound_event WHERE dossier_code = ANY(?::text[])"
                        + " ORDER BY dossier_code, seq", s.dossierCodes()));
                out.put("rejected_message", PersonalDataHolder.rows(jdbc, "SELECT * FROM rejected_message WHERE dossier_code = ANY(?::text[])"
                        + " ORDER BY id", s.dossierCodes()));
                return out;
            }
        };
    }

    @Bean
    public PersonalDataHolder workData() {
        return new PersonalDataHolder() {
            public String name() { return "work"; }
            public String dataClass() { return "work-data"; }

            public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
                int rows = 0;
                for (Map<String, Object> d : PersonalDataHolder.rows(jdbc,
                        "SELECT id, payload, headers, reason FROM dead_letter WHERE dossier_code = ANY(?::text[])", codes)) {
                    rows += jdbc.update("UPDATE dead_letter SET payload = ?, headers = ?, reason = ? WHERE id = ?",
                            Redaction.json((String) d.get("payload")), Redaction.json((String) d.get("headers")),
                            PersonalData.maskText((String) d.get("reason")), d.get("id"));
                }
                rows += redactEach(jdbc, "SELECT work_id AS k, updates AS v FROM work_completion WHERE dossier_code = ANY(?::text[]) AND updates IS NOT NULL",
                        "UPDATE work_completion SET updates = ? WHERE work_id = ?", codes);
                rows += PersonalDataHolder.update(jdbc, "UPDATE work_hold SET reason = NULL WHERE dossier_code = ANY(?::text[]) AND reason IS NOT NULL", codes);
                return rows;
            }

            public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
                Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
                out.put("dead_letter", PersonalDataHolder.rows(jdbc, "SELECT * FROM dead_letter WHERE dossier_code = ANY(?::text[]) ORDER BY id", s.dossierCodes()));
                out.put("work_completion", PersonalDataHolder.rows(jdbc, "SELECT * FROM work_completion WHERE dossier_code = ANY(?::text[])"
                        + " ORDER BY completed_at", s.dossierCodes()));
                out.put("dossier_payment", PersonalDataHolder.rows(jdbc, "SELECT * FROM dossier_payment WHERE dossier_code = ANY(?::text[])"
                        + " ORDER BY paid_at", s.dossierCodes()));
                return out;
            }
        };
    }

    @Bean
    public PersonalDataHolder ratingData() {
        return new PersonalDataHolder() {
            public String name() { return "ratings"; }
            public String dataClass() { return "messages"; }

            public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
                return PersonalDataHolder.update(jdbc, "UPDATE citizen_rating SET comment_masked = NULL"
                        + " WHERE dossier_code = ANY(?::text[]) AND comment_masked IS NOT NULL", codes);
            }

            public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
                return Map.of("citizen_rating", PersonalDataHolder.rows(jdbc, "SELECT dossier_code, stars, reasons, comment_masked, channel,"
                        + " submitted_at FROM citizen_rating WHERE dossier_code = ANY(?::text[])", s.dossierCodes()));
            }
        };
    }

    @Bean
    public PersonalDataHolder auditTexts() {
        return new PersonalDataHolder() {
            public String name() { return "audit"; }
            public String dataClass() { return "audit-texts"; }

            public int purgeDossiers(JdbcTemplate jdbc, List<String> codes) {
                int rows = 0;
                for (String code : codes) {
                    Integer n = jdbc.queryForObject("SELECT audit_redact_dossier(?)", Integer.class, code);
                    rows += n == null ? 0 : n;
                }
                return rows;
            }

            public Map<String, List<Map<String, Object>>> export(JdbcTemplate jdbc, DataSubject s) {
                return Map.of("audit_record", PersonalDataHolder.rows(jdbc, "SELECT id, recorded_at, direction, party, dossier_code,"
                        + " message_type, outcome, correlation_id, masked_payload, detail FROM audit_record"
                        + " WHERE dossier_code = ANY(?::text[]) ORDER BY id", s.dossierCodes()));
            }
        };
    }

    /** Replaces each JSON text {@code v} found by {@code select} (keyed {@code k}) with its {@link Redaction}. */
    static int redactEach(JdbcTemplate jdbc, String select, String update, List<String> codes) {
        int rows = 0;
        for (Map<String, Object> r : PersonalDataHolder.rows(jdbc, select, codes)) {
            rows += jdbc.update(update, Redaction.json((String) r.get("v")), r.get("k"));
        }
        return rows;
    }
}
