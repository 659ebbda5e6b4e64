package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.model.TypedSchema;

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
 * <p>Each update is validated against its own type's part of the schema ({@link TypedSchema}).
 */
public final class UpdateContract {
    public static final String SCHEMA = "connectors/onestop/contract/dossier-update.schema.json";

    /** Reads the schema; updates are turned into trees by {@link #treeOf}, not by a mapper. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypedSchema SCHEMA_OF_UPDATES = new TypedSchema(load(), "updateType");
    /** Updates that passed {@link #check}; a detail changed after its check no longer matches and is checked again. */
    private static final Map<DossierUpdate, Boolean> CHECKED = Collections.synchronizedMap(new WeakHashMap<>());

    private UpdateContract() {}

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
        JsonNode tree = treeOf(update);
        return SCHEMA_OF_UPDATES.forType(update.updateType()).validate(tree).stream()
                .map(UpdateContract::describe)
                .distinct()
                .sorted()
                .toList();
    }

    /**
     * The update as the JSON tree it is published as, built from its fields, the detail taken as it is: the tree the
     * hub's mapper makes of it ({@code valueToTree}, UpdateContractTest), without writing the update out and reading
     * it back, which was a third of the check's CPU (every partner call makes an update).
     */
    static ObjectNode treeOf(DossierUpdate update) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("updateId", update.updateId());
        tree.put("dossierCode", update.dossierCode());
        tree.put("updateType", update.updateType());
        tree.put("occurredAt", update.occurredAt() == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(update.occurredAt()));
        tree.put("source", update.source());
        tree.set("detail", update.detail() == null ? NullNode.getInstance() : update.detail());
        return tree;
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
