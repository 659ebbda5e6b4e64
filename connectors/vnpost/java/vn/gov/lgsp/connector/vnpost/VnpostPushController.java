package vn.gov.lgsp.connector.vnpost;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.connector.vnpost.dto.StatusRecord;
import vn.gov.lgsp.connector.vnpost.dto.TrackingRecord;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.web.Problems;
import vn.gov.lgsp.hub.security.SecurityRefusals;

/**
 * POST /api/v1/partners/vnpost/status: VNPost (or a relay of its tracking) pushes status records in the
 * GetStatusHistoryOrder shape. Authenticated with HMAC-SHA256 over "{timestamp}.{raw body}" using the shared
 * secret HUB_VNPOST_PUSH_SECRET, in headers X-Vnpost-Timestamp (epoch seconds) and
 * X-Vnpost-Signature: sha256=&lt;hex&gt;. A bad or missing signature, or a timestamp outside the allowed skew
 * (replays), gets 401 and changes nothing but an audit record of the refusal.
 */
@RestController
public class VnpostPushController {
    private static final Logger log = LoggerFactory.getLogger(VnpostPushController.class);
    public static final String PATH = "/api/v1/partners/vnpost/status";
    public static final String TIMESTAMP = "X-Vnpost-Timestamp";
    public static final String SIGNATURE = "X-Vnpost-Signature";

    private final VnpostProperties props;
    private final VnpostTracking tracking;
    private final AuditLog audit;
    private final ObjectMapper json;

    private final SecurityRefusals refusals;

    public VnpostPushController(VnpostProperties props, VnpostTracking tracking, AuditLog audit, ObjectMapper json,
                                SecurityRefusals refusals) {
        this.refusals = refusals;
        this.props = props;
        this.tracking = tracking;
        this.audit = audit;
        this.json = json;
    }

    @Operation(tags = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_PARTNER_CALLBACKS, summary = "VNPost status push",
            description = "Status records in the GetStatusHistoryOrder shape, HMAC-SHA256 signed (X-Vnpost-Timestamp,"
                    + " X-Vnpost-Signature); 401 when the signature or timestamp is wrong.")
    @PostMapping(path = PATH, consumes = "application/json", produces = "application/json")
    public ResponseEntity<?> push(@RequestHeader(name = TIMESTAMP, required = false) String timestamp,
                                                    @RequestHeader(name = SIGNATURE, required = false) String signature,
                                                    @RequestBody byte[] body) {
        String refusal = verify(timestamp, signature, body);
        if (refusal != null) {
            audit.record(AuditEntry.in(VnpostTracking.PARTY, null, "STATUS_PUSH", "REJECTED", null, null));
            refusals.count("partner-vnpost", refusal.startsWith("timestamp") ? "stale_timestamp"
                    : refusal.startsWith("signature") ? "bad_signature" : refusal.startsWith("push is not") ? "not_configured" : "missing_signature");
            log.warn("VNPost status push refused: {}", refusal);
            return Problems.answer(HttpStatus.UNAUTHORIZED, "vnpost-push-unauthorized", refusal);
        }
        List<TrackingRecord> records;
        try {
            JsonNode root = json.readTree(body);
            records = TrackingRecord.listFrom(root);
        } catch (Exception e) {
            audit.record(AuditEntry.in(VnpostTracking.PARTY, null, "STATUS_PUSH", "INVALID", null,
                    new String(body, StandardCharsets.UTF_8)));
            // the parser's message names only what it expected, never the body
            return Problems.answer(HttpStatus.BAD_REQUEST, "vnpost-push-invalid", "not a status history: " + firstLine(e.getMessage()));
        }
        String tooLong = records.stream().flatMap(r -> r.statusHistory().stream()).anyMatch(StatusRecord::nameTooLong)
                ? "statusName longer than " + StatusRecord.NAME_MAX + " characters" : null;
        if (tooLong != null) {
            // refused rather than cut: the sender can correct it, and the hub keeps what it was told verbatim
            audit.record(AuditEntry.in(VnpostTracking.PARTY, null, "STATUS_PUSH", "INVALID", null,
                    new String(body, StandardCharsets.UTF_8)));
            return Problems.answer(HttpStatus.BAD_REQUEST, "vnpost-push-invalid", "not a status history: " + tooLong);
        }
        int fresh = 0;
        List<String> unknown = new ArrayList<>();
        for (TrackingRecord r : records) {
            if (r.itemCode() == null) {
                unknown.add(String.valueOf(r.saleOrderCode()));
                continue;
            }
            VnpostTracking.Outcome o = tracking.apply(r.itemCode(), r.statusHistory(), "PUSH");
            if (!o.knownOrder()) unknown.add(r.itemCode());
            fresh += o.newStatuses();
        }
        if (!unknown.isEmpty()) {
            // acknowledged (VNPost must not retry forever) but visible to operators
            audit.record(AuditEntry.in(VnpostTracking.PARTY, null, "STATUS_PUSH", "UNKNOWN_ORDER", null,
                    new String(body, StandardCharsets.UTF_8)));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", fresh);
        answer.put("unknownOrders", unknown);
        return ResponseEntity.ok(answer);
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    /** Null when the push is authentic and fresh, else why not. */
    String verify(String timestamp, String signature, byte[] body) {
        String secret = props.getPush().getHmacSecret();
        if (secret == null || secret.isBlank()) return "push is not configured (no shared secret)";
        if (timestamp == null || signature == null) return "missing " + TIMESTAMP + " or " + SIGNATURE;
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return "unreadable timestamp";
        }
        // compared as plain numbers: any long parses, but Instant.ofEpochSecond throws on the extreme ones, and a
        // hostile timestamp must be refused (401, audited) like any other stale one, not end in an exception
        long now = Instant.now().getEpochSecond();
        long maxSkew = props.getPush().getMaxSkew().toSeconds();
        if (seconds < now - maxSkew || seconds > now + maxSkew) return "timestamp outside the allowed window";
        byte[] expected = ("sha256=" + sign(secret, timestamp.trim(), body)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? null : "signature mismatch";
    }

    /** hex(HMAC-SHA256(secret, timestamp + "." + body)). */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
