package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * Zalo's webhook. Verifies X-ZEvent-Signature = sha256(app_id + raw body + timestamp + OA secret) (optionally
 * written "mac=&lt;hex&gt;"), stores the event (a repeated delivery hits the unique key and is ignored), answers 200
 * at once and leaves the work to {@link ZaloWebhookProcessor}. A forged call gets 401 and changes nothing.
 */
@RestController
public class ZaloWebhookController {
    private final ZaloProperties props;
    private final ZaloWebhookProcessor processor;
    private final AuditLog audit;
    private final ObjectMapper json;

    public ZaloWebhookController(ZaloProperties props, ZaloWebhookProcessor processor, AuditLog audit, ObjectMapper json) {
        this.props = props;
        this.processor = processor;
        this.audit = audit;
        this.json = json;
    }

    /** The answers, written once: Zalo sends an event for every ZNS delivered, so this path is as busy as the hub. */
    private static final String ACCEPTED = "{\"error\":0,\"message\":\"accepted\"}";
    private static final String DUPLICATE = "{\"error\":0,\"message\":\"duplicate\"}";
    private static final String FORGED = "{\"error\":-1,\"message\":\"invalid signature\"}";

    @PostMapping(path = "/api/v1/partners/zalo/webhook", consumes = "*/*", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> receive(@RequestBody(required = false) byte[] raw,
                                                       @RequestHeader(name = "X-ZEvent-Signature", required = false) String signature) {
        String body = raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (Exception e) {
            event = null;
        }
        if (event == null || !event.isObject() || !verify(event, body, signature)) {
            audit.record(new AuditEntry(AuditEntry.Direction.IN, ZaloNotifier.PARTY, null, "WEBHOOK", "REJECTED", null, null,
                    null, "webhook signature missing or wrong"));
            return ResponseEntity.status(401).contentType(MediaType.APPLICATION_JSON).body(FORGED);
        }
        boolean fresh = processor.store(event, body);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(fresh ? ACCEPTED : DUPLICATE);
    }

    boolean verify(JsonNode event, String body, String signature) {
        if (signature == null || props.getOaSecret() == null || props.getOaSecret().isBlank()) return false;
        String appId = event.path("app_id").asText("");
        if (!appId.equals(props.getAppId())) return false;
        String expected = sign(appId, body, event.path("timestamp").asText(""), props.getOaSecret());
        String given = signature.startsWith("mac=") ? signature.substring(4) : signature;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII));
    }

    public static String sign(String appId, String body, String timestamp, String oaSecret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest((appId + body + timestamp + oaSecret).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
