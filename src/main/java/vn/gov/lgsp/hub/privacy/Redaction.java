package vn.gov.lgsp.hub.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import vn.gov.lgsp.hub.model.PersonalData;

/**
 * What a purge leaves of a stored document: a JSON document keeps its shape and its business values (codes,
 * statuses, amounts, times), while every personal value is gone (null), not masked: a masked phone or the first word
 * of a street is still the citizen's. Person objects (applicant, parties, receiver, ...) lose their names as well.
 * Free text keeps its words but loses identity and phone numbers ({@link PersonalData#maskText}); text that is not
 * JSON (a SOAP body, a partner's reason) cannot be sorted out and is replaced whole.
 */
public final class Redaction {
    private Redaction() {}

    /** What replaces a text that is not JSON. */
    public static final String PURGED = "[purged]";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Field names (lower case, any partner's spelling) whose value is personal wherever it appears. */
    private static final Set<String> PERSONAL = Set.of(
            "fullname", "hoten", "receivername", "sendername", "citizenid", "cccd", "socmnd", "socccd", "idnumber",
            "phone", "sodienthoai", "senderphone", "receiverphone", "phonenumber", "recipientphone", "recipient",
            "street", "address", "pickupaddress", "senderaddress", "receiveraddress", "diachi", "email",
            "dateofbirth", "birthdate", "ngaysinh", "comment", "note", "content", "contentbase64", "text", "message");
    /** Objects (or arrays of objects) describing a person: their "name" is personal too. */
    private static final Set<String> PERSONS = Set.of("applicant", "parties", "party", "receiver", "sender", "citizen",
            "person", "owner", "handler");

    /** The document with every personal value removed; {@link #PURGED} for text that is not a JSON object or array. */
    public static String json(String text) {
        if (text == null) return null;
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (Exception notJson) {
            return PURGED;
        }
        if (node == null || !node.isContainerNode()) return PURGED;
        redact(node, false);
        return node.toString();
    }

    private static void redact(JsonNode node, boolean person) {
        if (node instanceof ObjectNode obj) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) fields.add(it.next());
            for (Map.Entry<String, JsonNode> e : fields) {
                String key = e.getKey().toLowerCase(Locale.ROOT);
                JsonNode value = e.getValue();
                if (PERSONAL.contains(key) || person && key.equals("name")) {
                    obj.set(e.getKey(), NullNode.getInstance());
                } else if (value.isTextual()) {
                    obj.set(e.getKey(), TextNode.valueOf(PersonalData.maskText(value.asText())));
                } else {
                    redact(value, PERSONS.contains(key));
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                JsonNode v = arr.get(i);
                if (v.isTextual()) arr.set(i, TextNode.valueOf(PersonalData.maskText(v.asText())));
                else redact(v, person);
            }
        }
    }
}
