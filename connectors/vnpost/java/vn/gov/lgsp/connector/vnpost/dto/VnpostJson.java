package vn.gov.lgsp.connector.vnpost.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Tolerant reading of VNPost JSON: public clients show both lower camel case (itemCode) and PascalCase
 * (ItemCode) and numbers sent as strings, so fields are matched case-insensitively and numbers accepted either way.
 */
public final class VnpostJson {
    private VnpostJson() {}

    public static JsonNode field(JsonNode n, String name) {
        if (n == null || !n.isObject()) return null;
        JsonNode v = n.get(name);
        if (v != null) return v;
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
        }
        return null;
    }

    public static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        return v == null || v.isNull() ? null : v.asText();
    }

    public static Integer integer(JsonNode n, String name) {
        String s = text(n, name);
        if (s == null || s.isBlank()) return null;
        try {
            return Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static Long longValue(JsonNode n, String name) {
        String s = text(n, name);
        if (s == null || s.isBlank()) return null;
        try {
            return (long) Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
