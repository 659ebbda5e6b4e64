package vn.gov.lgsp.hub.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.model.Identifiers;
import vn.gov.lgsp.hub.model.PersonalData;
import vn.gov.lgsp.hub.security.Operators;
import vn.gov.lgsp.hub.web.Problems;

/**
 * Personal data shown unmasked, to auditors only (SecurityConfig: {@code /api/v1/personal-data/**}), each time with a
 * stated reason and audited before anything is shown: the reveal of one dossier, and the export of everything the
 * hub holds about one citizen ID (a data-subject request under Decree 13/2023). Both are POSTs: the citizen ID and
 * the reason travel in the body, never in a URL that access logs keep.
 */
@RestController
@Tag(name = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_AUDIT)
public class PersonalDataController {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final List<PersonalDataHolder> holders;
    private final PrivacyProperties props;

    public PersonalDataController(JdbcTemplate jdbc, AuditLog audit, List<PersonalDataHolder> holders, PrivacyProperties props) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.holders = holders;
        this.props = props;
    }

    /** The body of a reveal: why the auditor needs the data (mandatory). */
    public record RevealRequest(String reason) {}

    /** The body of an export: whose data, and why (the data-subject request's reference). */
    public record ExportRequest(String citizenId, String reason) {}

    @Operation(summary = "Reveal a dossier's personal data (auditors)", description = "Everything the hub holds about the"
            + " dossier, unmasked, grouped by holder and table. The reason is mandatory; the reveal is audited"
            + " (PERSONAL_DATA_REVEALED, the auditor from the token and the reason) before the data is returned.")
    @PostMapping("/api/v1/personal-data/dossiers/{code}/reveal")
    public ResponseEntity<?> reveal(@PathVariable String code, @RequestBody(required = false) RevealRequest body) {
        Optional<String> reasonProblem = reasonProblem(body == null ? null : body.reason());
        if (reasonProblem.isPresent()) return Problems.answer(HttpStatus.BAD_REQUEST, "reason-required", reasonProblem.get());
        List<Map<String, Object>> dossier = jdbc.queryForList("SELECT snapshot FROM dossier WHERE code = ?", code);
        if (dossier.isEmpty()) return Problems.answer(HttpStatus.NOT_FOUND, "unknown-dossier", "no dossier " + PersonalData.maskText(code));
        JsonNode applicant = applicant((String) dossier.get(0).get("snapshot"));
        String auditor = Operators.current();
        audit.record(AuditEntry.internal("auditor", code, "PERSONAL_DATA_REVEALED", "REVEALED", auditor,
                "revealed to " + auditor + ": " + body.reason().trim()));
        PersonalDataHolder.DataSubject subject = new PersonalDataHolder.DataSubject(text(applicant, "citizenId"), List.of(code),
                phones(List.of(applicant)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dossierCode", code);
        out.put("revealedTo", auditor);
        out.put("reason", body.reason().trim());
        out.put("revealedAt", Instant.now().toString());
        out.put("data", collect(subject));
        return ResponseEntity.ok(out);
    }

    @Operation(summary = "Export everything held about one citizen (auditors)", description = "A data-subject request: every"
            + " dossier whose applicant or parties carry the citizen ID, and everything every holder keeps about those"
            + " dossiers and the applicant's phones, unmasked. The reason is mandatory; the export is audited"
            + " (PERSONAL_DATA_EXPORTED per dossier, the auditor from the token, the citizen ID masked).")
    @PostMapping("/api/v1/personal-data/exports")
    public ResponseEntity<?> export(@RequestBody(required = false) ExportRequest body) {
        String citizenId = body == null || body.citizenId() == null ? null : body.citizenId().trim();
        Optional<String> idProblem = Identifiers.checkCitizenId(citizenId);
        if (idProblem.isPresent()) return Problems.answer(HttpStatus.BAD_REQUEST, "invalid-citizen-id", "citizenId " + idProblem.get());
        Optional<String> reasonProblem = reasonProblem(body.reason());
        if (reasonProblem.isPresent()) return Problems.answer(HttpStatus.BAD_REQUEST, "reason-required", reasonProblem.get());
        // the applicant's citizen ID in the latest state, or any event naming it (a tax declaration's parties): a rare
        // request, worth a scan of the events
        Set<String> codes = new LinkedHashSet<>(jdbc.queryForList("SELECT code FROM dossier WHERE snapshot LIKE ? ORDER BY code",
                String.class, "%" + citizenId + "%"));
        codes.addAll(jdbc.queryForList("SELECT DISTINCT dossier_code FROM inbound_event WHERE payload LIKE ? ORDER BY dossier_code",
                String.class, "%" + citizenId + "%"));
        List<JsonNode> applicants = new ArrayList<>();
        for (String snapshot : PersonalDataHolder.rows(jdbc, "SELECT snapshot FROM dossier WHERE code = ANY(?::text[])", codes)
                .stream().map(r -> (String) r.get("snapshot")).toList()) {
            JsonNode a = applicant(snapshot);
            if (citizenId.equals(text(a, "citizenId"))) applicants.add(a);
        }
        String auditor = Operators.current();
        String detail = "exported to " + auditor + " for citizen " + citizenId + " (" + codes.size() + " dossiers): " + body.reason().trim();
        List<AuditEntry> entries = new ArrayList<>();
        if (codes.isEmpty()) entries.add(AuditEntry.internal("auditor", null, "PERSONAL_DATA_EXPORTED", "EXPORTED", auditor, detail));
        codes.forEach(c -> entries.add(AuditEntry.internal("auditor", c, "PERSONAL_DATA_EXPORTED", "EXPORTED", auditor, detail)));
        audit.record(entries.toArray(AuditEntry[]::new)); // AuditLog masks the citizen ID in the detail
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("citizenId", citizenId);
        out.put("exportedTo", auditor);
        out.put("reason", body.reason().trim());
        out.put("exportedAt", Instant.now().toString());
        out.put("dossierCodes", codes);
        out.put("data", collect(new PersonalDataHolder.DataSubject(citizenId, List.copyOf(codes), phones(applicants))));
        return ResponseEntity.ok(out);
    }

    private Optional<String> reasonProblem(String reason) {
        if (reason == null || reason.isBlank()) return Optional.of("a reason is required (the body's \"reason\"): why this personal data must be seen");
        if (reason.trim().length() < props.getMinReasonLength()) {
            return Optional.of("the reason must say why, in at least " + props.getMinReasonLength() + " characters");
        }
        if (reason.length() > 1000) return Optional.of("the reason must be at most 1000 characters");
        return Optional.empty();
    }

    /** holder -> table -> rows. */
    private Map<String, Object> collect(PersonalDataHolder.DataSubject subject) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (PersonalDataHolder h : holders) {
            Map<String, List<Map<String, Object>>> rows = h.export(jdbc, subject);
            Map<String, List<Map<String, Object>>> nonEmpty = new LinkedHashMap<>();
            rows.forEach((table, r) -> { if (!r.isEmpty()) nonEmpty.put(table, r); });
            if (!nonEmpty.isEmpty()) data.merge(h.name(), nonEmpty, (a, b) -> {
                @SuppressWarnings("unchecked") Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) a);
                m.putAll(nonEmpty);
                return m;
            });
        }
        return data;
    }

    private static JsonNode applicant(String snapshot) {
        try {
            JsonNode node = JSON.readTree(snapshot == null ? "{}" : snapshot).path("applicant");
            return node.isObject() ? node : JSON.createObjectNode();
        } catch (Exception unreadable) {
            return JSON.createObjectNode();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    /** The applicants' phones, in the local form (0...) and the international one (84...) partners' tables use. */
    private static List<String> phones(List<JsonNode> applicants) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode a : applicants) {
            String phone = text(a, "phone");
            if (phone == null || Identifiers.checkPhone(phone).isPresent()) continue;
            out.add(Identifiers.localPhone(phone));
            out.add(Identifiers.internationalPhone(phone));
        }
        return List.copyOf(out);
    }
}
