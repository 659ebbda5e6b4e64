package vn.gov.lgsp.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import vn.gov.lgsp.hub.infra.TestTokens;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;

/**
 * The OpenAPI document the running hub serves at /v3/api-docs is the one committed as docs/api/openapi.json: a
 * change to a REST API shows in review as a change of that file. After changing an API on purpose, regenerate it:
 * {@code ./mvnw -B verify -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true}.
 */
@HubIntegrationTest
class OpenApiDocumentTest {
    static final Path COMMITTED = Path.of("docs/api/openapi.json");
    static final String REGENERATE = "./mvnw -B verify -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dopenapi.write=true";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    @Autowired TestRestTemplate http;

    @Test
    void servedDocumentIsTheCommittedOne() throws Exception {
        ResponseEntity<String> served = TestTokens.as(http, TestTokens.viewer()).getForEntity("/v3/api-docs", String.class);
        assertThat(served.getStatusCode().value()).isEqualTo(200);
        JsonNode live = normalise(JSON.readTree(served.getBody()));

        // what the operators and partners rely on is described
        assertThat(live.path("openapi").asText()).startsWith("3.");
        assertThat(live.path("paths").has("/api/v1/dossier-events")).isTrue();
        assertThat(live.path("paths").path("/api/v1/dossier-events").path("post").path("summary").asText()).isNotBlank();
        assertThat(live.path("paths").path("/api/v1/dead-letters/{id}/replay").path("post").path("tags").get(0).asText())
                .isEqualTo(OpenApiConfig.TAG_OPERATIONS);
        assertThat(live.path("paths").has("/api/v1/partners/zalo/webhook")).isTrue();
        assertThat(live.path("paths").fieldNames()).toIterable().allMatch(p -> p.startsWith("/api/"));

        String text = JSON.writeValueAsString(live) + "\n";
        if (Boolean.getBoolean("openapi.write")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, text, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(COMMITTED)) {
            fail(COMMITTED + " is missing. Write it with: " + REGENERATE);
        }
        JsonNode committed = normalise(JSON.readTree(Files.readString(COMMITTED, StandardCharsets.UTF_8)));
        if (!committed.equals(live)) {
            fail("The hub's OpenAPI document differs from " + COMMITTED + " at " + firstDifference(committed, live, "")
                    + ".\nIf the API changed on purpose, regenerate the file and commit it: " + REGENERATE);
        }
    }

    /** Objects with their keys sorted (arrays keep their order: parameters and enums mean something in order). */
    static JsonNode normalise(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(e -> sorted.put(e.getKey(), normalise(e.getValue())));
            ObjectNode out = JSON.createObjectNode();
            sorted.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(n -> out.add(normalise(n)));
            return out;
        }
        return node;
    }

    /** A JSON pointer to the first place where the two documents differ, with both values. */
    static String firstDifference(JsonNode expected, JsonNode actual, String at) {
        if (expected.isObject() && actual.isObject()) {
            List<String> names = new ArrayList<>();
            expected.fieldNames().forEachRemaining(names::add);
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                String n = it.next();
                if (!names.contains(n)) names.add(n);
            }
            for (String n : names) {
                JsonNode e = expected.get(n), a = actual.get(n);
                if (e == null) return at + "/" + n + " (only in the served document)";
                if (a == null) return at + "/" + n + " (only in the committed file)";
                if (!e.equals(a)) return firstDifference(e, a, at + "/" + n.replace("~", "~0").replace("/", "~1"));
            }
        } else if (expected.isArray() && actual.isArray()) {
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                if (!expected.get(i).equals(actual.get(i))) return firstDifference(expected.get(i), actual.get(i), at + "/" + i);
            }
            return at + " (committed " + expected.size() + " items, served " + actual.size() + ")";
        }
        return (at.isEmpty() ? "/" : at) + " (committed " + expected + ", served " + actual + ")";
    }
}
