package vn.gov.lgsp.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import vn.gov.lgsp.hub.inbound.EventValidator;

/**
 * connectors/onestop/contract/asyncapi.yaml describes the Kafka topics the hub is configured with, and every
 * $ref in it resolves: to a part of the document, or to a file beside it (and a part of that file).
 */
class AsyncApiDocumentTest {
    static final Path CONTRACT = Path.of("connectors/onestop/contract");
    static final Path DOCUMENT = CONTRACT.resolve("asyncapi.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode doc = read(DOCUMENT);

    @Test
    void isAnAsyncApi3DocumentWithChannelsOperationsAndMessages() {
        assertThat(doc.path("asyncapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("channels").size()).isGreaterThanOrEqualTo(2);
        doc.path("operations").forEach(op -> {
            assertThat(op.path("action").asText()).isIn("send", "receive");
            String channel = op.path("channel").path("$ref").asText();
            assertThat(channel).startsWith("#/channels/");
            // an operation's messages are messages of its own channel
            op.path("messages").forEach(m -> assertThat(m.path("$ref").asText()).startsWith(channel + "/messages/"));
        });
    }

    @Test
    void everyReferenceResolves() throws Exception {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).hasSizeGreaterThanOrEqualTo(8);
        Map<String, JsonNode> files = new HashMap<>();
        for (String ref : refs) {
            int hash = ref.indexOf('#');
            String file = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            JsonNode target = doc;
            if (!file.isEmpty()) {
                Path p = CONTRACT.resolve(file).normalize();
                assertThat(p).as("file of $ref %s", ref).isRegularFile();
                target = files.computeIfAbsent(p.toString(), k -> read(p));
            }
            assertThat(target.at(JsonPointer.compile(pointer)).isMissingNode()).as("$ref %s resolves", ref).isFalse();
        }
    }

    @Test
    void describesTheTopicsTheHubIsConfiguredWithAndTheSchemaItValidatesWith() throws Exception {
        JsonNode app = read(Path.of("config/application.yml"));
        JsonNode onestop = read(Path.of("connectors/onestop/config.yml"));
        String inbound = app.at("/hub/inbound/topic").asText();
        String updates = onestop.at("/hub/partners/onestop/updates-topic").asText();
        assertThat(inbound).isEqualTo("onestop.dossier.events");
        assertThat(updates).isEqualTo("onestop.dossier.updates");

        Map<String, String> channelOfTopic = new HashMap<>();
        doc.path("channels").fields().forEachRemaining(c -> channelOfTopic.put(c.getValue().path("address").asText(), c.getKey()));
        assertThat(channelOfTopic).containsOnlyKeys(inbound, updates);

        // the hub receives the inbound topic and sends the updates topic
        Map<String, String> actionOfChannel = new HashMap<>();
        doc.path("operations").forEach(op -> actionOfChannel.put(op.path("channel").path("$ref").asText(), op.path("action").asText()));
        assertThat(actionOfChannel).containsEntry("#/channels/" + channelOfTopic.get(inbound), "receive")
                .containsEntry("#/channels/" + channelOfTopic.get(updates), "send");

        // the inbound message's payload is the schema file the hub validates events with
        String validated = schemaTheValidatorReads();
        assertThat(validated).startsWith("classpath:connectors/onestop/contract/");
        assertThat(payloadSchemaFile(channelOfTopic.get(inbound))).isEqualTo(Path.of(validated.substring("classpath:".length())).normalize());
        assertThat(payloadSchemaFile(channelOfTopic.get(updates))).isEqualTo(CONTRACT.resolve("dossier-update.schema.json").normalize());
    }

    /** The schema file of the (single) message of a channel, following the message's $ref into components. */
    private Path payloadSchemaFile(String channel) {
        JsonNode message = doc.path("channels").path(channel).path("messages").elements().next();
        if (message.has("$ref")) message = doc.at(JsonPointer.compile(message.path("$ref").asText().substring(1)));
        String ref = message.path("payload").path("schema").path("$ref").asText();
        assertThat(ref).as("payload of channel %s", channel).endsWith(".json");
        return CONTRACT.resolve(ref).normalize();
    }

    /** The default of EventValidator's hub.inbound.schema: the file the hub validates inbound events with. */
    private static String schemaTheValidatorReads() {
        for (var c : EventValidator.class.getConstructors()) {
            for (var p : c.getParameters()) {
                Value v = p.getAnnotation(Value.class);
                if (v != null && v.value().startsWith("${hub.inbound.schema:")) {
                    return v.value().substring("${hub.inbound.schema:".length(), v.value().length() - 1);
                }
            }
        }
        throw new AssertionError("EventValidator no longer reads hub.inbound.schema");
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) refs.add(e.getValue().asText());
                else collectRefs(e.getValue(), refs);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }

    private static JsonNode read(Path p) {
        try {
            return (p.toString().endsWith(".json") ? JSON : YAML).readTree(Files.readString(p));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
