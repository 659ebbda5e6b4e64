package vn.gov.lgsp.hub.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;

/**
 * A JSON Schema of the one-stop contract whose {@code allOf} holds one "if {@code <field>} is X then ..." branch per
 * type (dossier events by eventType, dossier updates by updateType), validated per type: against the whole schema
 * the validator tries every branch's condition on every document, while for a document of type X only the branches
 * whose condition names X can apply. The part for X is the whole schema with only those branches (and any branch not
 * conditioned on the type): it tells a document of type X the same violations as the whole schema (TypedSchemaTest).
 *
 * <p>Only the types the schema lists ({@code properties.<field>.enum}) get a part of their own, made on first use;
 * a document of any other type, or without one, is validated against the whole schema (input cannot grow the cache).
 */
public final class TypedSchema {
    private final JsonNode document;
    private final String field;
    private final JsonSchema whole;
    private final Set<String> listed = new HashSet<>();
    private final Map<String, JsonSchema> parts = new ConcurrentHashMap<>();

    public TypedSchema(JsonNode document, String field) {
        this.document = document;
        this.field = field;
        this.whole = factory().getSchema(document);
        document.path("properties").path(field).path("enum").forEach(t -> listed.add(t.asText()));
    }

    private static JsonSchemaFactory factory() {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    }

    public JsonSchema whole() {
        return whole;
    }

    /** The schema to validate a document of this type against (see above). */
    public JsonSchema forType(String type) {
        if (type == null || !listed.contains(type)) return whole;
        return parts.computeIfAbsent(type, this::partFor);
    }

    /** The schema to validate this document against: its type's part when its {@code <field>} is a listed type. */
    public JsonSchema forDocument(JsonNode tree) {
        JsonNode type = tree.path(field);
        return forType(type.isTextual() ? type.asText() : null);
    }

    private JsonSchema partFor(String type) {
        ObjectNode part = document.deepCopy();
        ArrayNode kept = part.putArray("allOf");
        for (JsonNode branch : document.path("allOf")) {
            JsonNode condition = branch.path("if").path("properties").path(field);
            boolean onTheType = condition.has("const") || condition.has("enum");
            boolean holds = type.equals(condition.path("const").asText(null))
                    || StreamSupport.stream(condition.path("enum").spliterator(), false).anyMatch(t -> type.equals(t.asText()));
            if (!onTheType || holds) kept.add(branch);
        }
        // an identifier of its own: the factory caches documents by $id ($defs, referred to within it, are the same)
        part.put("$id", document.path("$id").asText() + "?" + field + "=" + type);
        return factory().getSchema(part);
    }
}
