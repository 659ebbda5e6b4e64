package vn.gov.lgsp.hub.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A type's part of a contract schema tells a document of that type what the whole schema tells it: for every type the
 * schema lists, documents that keep and break its detail's rules (and the other types' rules) get the same violations.
 */
class TypedSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachEventTypesPartOfTheEventContractFindsWhatTheWholeSchemaFinds() throws Exception {
        JsonNode received = read("connectors/onestop/contract/samples/dossier-received.json");
        List<ObjectNode> details = List.of(JSON.createObjectNode(),
                JSON.createObjectNode().put("step", "x").put("items", 3).put("fees", "none").put("reason", 1),
                JSON.createObjectNode().put("dateOfBirth", "not a date").put("newDueAt", "2026-12-01T08:00:00+07:00"));
        int broken = sameEverywhere(new TypedSchema(read("connectors/onestop/contract/dossier-event.schema.json"), "eventType"),
                "eventType", received, details);
        assertThat(broken).as("documents that break the contract").isGreaterThan(20);
    }

    @Test
    void eachUpdateTypesPartOfTheUpdateContractFindsWhatTheWholeSchemaFinds() throws Exception {
        ObjectNode update = JSON.createObjectNode().put("updateId", "u1").put("dossierCode", "000.00.21.H45-261123-0001")
                .put("updateType", "PORTAL_SYNCED").put("occurredAt", "2026-12-03T08:00:00+07:00").put("source", "hub");
        List<ObjectNode> details = List.of(JSON.createObjectNode(),
                JSON.createObjectNode().put("status", 11).put("service", "x").put("eventId", "e"),
                JSON.createObjectNode().put("custCode", "LG1").put("amount", "75000").put("channel", "ZNS").put("unexpected", true));
        int broken = sameEverywhere(new TypedSchema(read("connectors/onestop/contract/dossier-update.schema.json"), "updateType"),
                "updateType", update, details);
        assertThat(broken).as("documents that break the contract").isGreaterThan(20);
    }

    @Test
    void aTypeTheSchemaDoesNotListAndADocumentWithoutOneAreCheckedAgainstTheWholeSchema() throws Exception {
        TypedSchema events = new TypedSchema(read("connectors/onestop/contract/dossier-event.schema.json"), "eventType");
        assertThat(events.forType("SOMETHING_NEW")).isSameAs(events.whole());
        assertThat(events.forType(null)).isSameAs(events.whole());
        assertThat(events.forDocument(JSON.createObjectNode().put("eventType", 7))).isSameAs(events.whole());
        assertThat(events.forType("FEE_ASSESSED")).isNotSameAs(events.whole()).isSameAs(events.forType("FEE_ASSESSED"));
    }

    /** Every listed type x every detail (and none): the same violations; returns how many documents had some. */
    private static int sameEverywhere(TypedSchema schema, String field, JsonNode base, List<ObjectNode> details) {
        List<String> types = new ArrayList<>();
        schema.whole().getSchemaNode().path("properties").path(field).path("enum").forEach(t -> types.add(t.asText()));
        assertThat(types).hasSizeGreaterThan(8);
        int broken = 0;
        for (String type : types) {
            List<JsonNode> documents = new ArrayList<>();
            for (ObjectNode detail : details) documents.add(((ObjectNode) base.deepCopy()).put(field, type).set("detail", detail));
            documents.add(((ObjectNode) base.deepCopy()).put(field, type).putNull("detail"));
            ObjectNode withoutDetail = base.deepCopy();
            withoutDetail.put(field, type).remove("detail");
            documents.add(withoutDetail);
            for (JsonNode d : documents) {
                Set<String> whole = messages(schema.whole(), d);
                assertThat(messages(schema.forDocument(d), d)).as(type + ": " + d.path("detail")).isEqualTo(whole);
                if (!whole.isEmpty()) broken++;
            }
        }
        return broken;
    }

    private static Set<String> messages(JsonSchema schema, JsonNode document) {
        Set<String> out = new TreeSet<>();
        schema.validate(document).forEach(m -> out.add(m.getInstanceLocation() + " " + m.getMessage()));
        return out;
    }

    private static JsonNode read(String resource) throws Exception {
        return JSON.readTree(TypedSchemaTest.class.getClassLoader().getResource(resource));
    }
}
