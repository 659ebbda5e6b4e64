package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * The contract of the dossier updates the hub publishes: connectors/onestop/contract/dossier-update.schema.json,
 * which defines each update type's {@code detail}. Checked where an update is made ({@link DossierUpdates#of}) and
 * again where updates are published, so a connector that builds an update another connector (or the one-stop
 * system) cannot read fails at once, naming the field, instead of sending the citizen an empty payment code.
 *
 * <p>An update that passed {@link #check} is not validated again where it is published: the schema's branch per
 * update type made the second check 3-5 % of the hub's CPU at 200 events/s. What passed is remembered by value
 * (an equal update keeps the contract too), weakly: an update no longer referenced is forgotten with it.
 *
 * <p>Each update is validated against its own type's part of the schema: the schema's {@code allOf} holds one
 * "if updateType is X then detail is ..." branch per type, and the validator tried every branch's condition on every
 * update (a third of an update's check). The part for a type is the whole schema with only the branches whose
 * condition names that type, which tells an update of that type the same violations ({@code UpdateContractTest}).
 */
public final class UpdateContract {
    public static final String SCHEMA = "connectors/onestop/contract/dossier-update.schema.json";

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final JsonNode SCHEMA_DOCUMENT = load();
    private static final JsonSchema SCHEMA_OF_UPDATES = factory().getSchema(SCHEMA_DOCUMENT);
    /** The update types the contract lists (properties.updateType.enum). */
    private static final java.util.Set<String> LISTED_TYPES = listedTypes();
    /** The schema for one update type (see above), made on first use; the contract's types are few. */
    private static final Map<String, JsonSchema> SCHEMA_BY_TYPE = new java.util.concurrent.ConcurrentHashMap<>();
    /** Updates that passed {@link #check}; a detail changed after its check no longer matches and is checked again. */
    private static final Map<DossierUpdate, Boolean> CHECKED = Collections.synchronizedMap(new WeakHashMap<>());

    private UpdateContract() {}

    private static JsonSchemaFactory factory() {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    }

    private static JsonNode load() {
        try (InputStream in = UpdateContract.class.getClassLoader().getResourceAsStream(SCHEMA)) {
            if (in == null) throw new IllegalStateException("the update contract " + SCHEMA + " is not on the classpath");
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The violations of one update as "JSON pointer: reason" (empty when it keeps the contract). */
    public static List<String> violations(DossierUpdate update) {
        return violations(JSON.valueToTree(update), schemaFor(update.updateType()));
    }

    /** The same, against the whole schema (every branch tried): what {@link #violations} must agree with. */
    static List<String> violationsAgainstWholeSchema(DossierUpdate update) {
        return violations(JSON.valueToTree(update), SCHEMA_OF_UPDATES);
    }

    /** The whole schema for an update type the contract does not list (its violation says so), else the type's part. */
    private static JsonSchema schemaFor(String updateType) {
        if (updateType == null || !LISTED_TYPES.contains(updateType)) return SCHEMA_OF_UPDATES;
        return SCHEMA_BY_TYPE.computeIfAbsent(updateType, UpdateContract::partFor);
    }

    private static java.util.Set<String> listedTypes() {
        java.util.Set<String> types = new java.util.HashSet<>();
        SCHEMA_DOCUMENT.path("properties").path("updateType").path("enum").forEach(t -> types.add(t.asText()));
        return types;
    }

    /** The schema with only the allOf branches whose condition can hold for this type (and any of another shape). */
    private static JsonSchema partFor(String updateType) {
        com.fasterxml.jackson.databind.node.ObjectNode part = SCHEMA_DOCUMENT.deepCopy();
        com.fasterxml.jackson.databind.node.ArrayNode kept = part.putArray("allOf");
        for (JsonNode branch : SCHEMA_DOCUMENT.path("allOf")) {
            JsonNode condition = branch.path("if").path("properties").path("updateType");
            boolean typeCondition = condition.has("const") || condition.has("enum");
            boolean holds = updateType.equals(condition.path("const").asText(null))
                    || java.util.stream.StreamSupport.stream(condition.path("enum").spliterator(), false)
                    .anyMatch(t -> updateType.equals(t.asText()));
            if (!typeCondition || holds) kept.add(branch);
        }
        // an identifier of its own: the factory caches documents by $id, and the $defs it refers to are the same
        part.put("$id", SCHEMA_DOCUMENT.path("$id").asText() + "?updateType=" + updateType);
        return factory().getSchema(part);
    }

    private static List<String> violations(JsonNode tree, JsonSchema schema) {
        return schema.validate(tree).stream()
                .map(UpdateContract::describe)
                .distinct()
                .sorted()
                .toList();
    }

    /** {@link #violations}, or none at once for an update that already passed {@link #check}. */
    public static List<String> violationsUnlessChecked(DossierUpdate update) {
        return CHECKED.containsKey(update) ? List.of() : violations(update);
    }

    /** @throws InvalidUpdateException naming every violation when the update breaks the contract */
    public static DossierUpdate check(DossierUpdate update) {
        List<String> v = violationsUnlessChecked(update);
        if (!v.isEmpty()) throw new InvalidUpdateException(update.updateType(), update.updateId(), v);
        CHECKED.put(update, Boolean.TRUE);
        return update;
    }

    public static void checkAll(Collection<DossierUpdate> updates) {
        for (DossierUpdate u : updates) check(u);
    }

    private static String describe(ValidationMessage m) {
        // networknt reports "$.detail.custCode" or "$.detail.fees[0].amount": written as a JSON pointer
        String where = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
        String p = where.startsWith("$") ? where.substring(1) : where;
        p = p.replace('.', '/').replaceAll("\\[(\\d+)]", "/$1");
        return (p.isEmpty() ? "/" : p) + ": " + m.getError();
    }
}
