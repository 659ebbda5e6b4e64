package vn.gov.lgsp.hub.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.model.Identifiers;
import vn.gov.lgsp.hub.model.TypedSchema;

/**
 * Validates inbound dossier events against the one-stop contract (the JSON Schema in connectors/onestop/contract)
 * and then checks what a schema cannot: real dates in dossier codes, citizen ID structure, times that parse.
 * Every violation is reported, not just the first.
 */
@Component
public class EventValidator {
    private final TypedSchema schema;
    private final ObjectMapper json;

    public record Result(DossierEvent event, JsonNode tree, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    public EventValidator(ObjectMapper json,
                          @Value("${hub.inbound.schema:classpath:connectors/onestop/contract/dossier-event.schema.json}") Resource schemaFile)
            throws IOException {
        this.json = json;
        try (InputStream in = schemaFile.getInputStream()) {
            // each event against its own eventType's part of the schema (TypedSchema)
            this.schema = new TypedSchema(json.readTree(in), "eventType");
        }
    }

    public Result validate(String text) {
        JsonNode tree;
        try {
            tree = text == null ? null : json.readTree(text);
        } catch (IOException e) {
            return new Result(null, null, List.of(new Violation("", "not valid JSON: " + firstLine(e.getMessage()))));
        }
        if (tree == null || !tree.isObject()) {
            return new Result(null, tree, List.of(new Violation("", "must be a JSON object")));
        }
        return validate(tree);
    }

    public Result validate(JsonNode tree) {
        List<Violation> violations = new ArrayList<>();
        for (ValidationMessage m : schema.forDocument(tree).validate(tree)) {
            String where = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
            violations.add(new Violation(pointer(where), m.getMessage()));
        }
        JsonNode dossier = tree.path("dossier");
        check(violations, "/dossier/code", dossier.path("code"), Identifiers::checkDossierCode);
        check(violations, "/dossier/applicant/citizenId", dossier.path("applicant").path("citizenId"), Identifiers::checkCitizenId);
        checkTime(violations, "/occurredAt", tree.path("occurredAt"));
        checkTime(violations, "/dossier/receivedAt", dossier.path("receivedAt"));
        checkTime(violations, "/dossier/dueAt", dossier.path("dueAt"));
        violations = dedupe(violations);
        if (!violations.isEmpty()) return new Result(null, forTheRecord(tree), violations);
        try {
            return new Result(json.treeToValue(tree, DossierEvent.class), tree, List.of());
        } catch (IOException e) {
            return new Result(null, tree, List.of(new Violation("", "does not map to a dossier event: " + firstLine(e.getMessage()))));
        }
    }

    /** Column sizes of the identifiers a rejection is recorded under (rejected_message, audit_record). */
    static final int EVENT_ID_COLUMN = 64, DOSSIER_CODE_COLUMN = 64;

    /**
     * The tree of an invalid event, as its rejection is recorded: an eventId or dossier code longer than its column
     * (the contract's maxLength, reported as a violation) is cut to it, so recording the rejection cannot fail and
     * turn a 400 into a 500, or stop the Kafka inbound on a batch it can never store. The input itself is kept whole.
     */
    private static JsonNode forTheRecord(JsonNode tree) {
        JsonNode eventId = tree.path("eventId"), code = tree.path("dossier").path("code");
        boolean longId = eventId.isTextual() && eventId.asText().length() > EVENT_ID_COLUMN;
        boolean longCode = code.isTextual() && code.asText().length() > DOSSIER_CODE_COLUMN;
        if (!longId && !longCode) return tree;
        com.fasterxml.jackson.databind.node.ObjectNode copy = (com.fasterxml.jackson.databind.node.ObjectNode) tree.deepCopy();
        if (longId) copy.put("eventId", eventId.asText().substring(0, EVENT_ID_COLUMN));
        if (longCode) ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("dossier")).put("code", code.asText().substring(0, DOSSIER_CODE_COLUMN));
        return copy;
    }

    private static void check(List<Violation> out, String field, JsonNode value,
                              java.util.function.Function<String, Optional<String>> rule) {
        if (!value.isTextual()) return; // absence and type are the schema's business
        rule.apply(value.asText()).ifPresent(msg -> out.add(new Violation(field, field.substring(field.lastIndexOf('/') + 1) + " " + msg)));
    }

    private static void checkTime(List<Violation> out, String field, JsonNode value) {
        if (!value.isTextual()) return;
        try {
            OffsetDateTime.parse(value.asText());
        } catch (DateTimeParseException e) {
            out.add(new Violation(field, "is not a valid date-time with offset: '" + value.asText() + "'"));
        }
    }

    /** The schema may report the same place twice (a pattern and our structural check): keep both texts, once each. */
    private static List<Violation> dedupe(List<Violation> in) {
        return in.stream().distinct().sorted(Comparator.comparing(Violation::field)).toList();
    }

    private static String pointer(String jsonPath) {
        // networknt reports "$.dossier.applicant.phone" or "$.fees[0].amount": turn it into a JSON pointer
        String p = jsonPath.startsWith("$") ? jsonPath.substring(1) : jsonPath;
        return p.replace('.', '/').replaceAll("\\[(\\d+)]", "/$1");
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
