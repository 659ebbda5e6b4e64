package vn.gov.lgsp.connector.vietinbank;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.security.SecurityRefusals;

/**
 * The bank's IPN endpoint. Always HTTP 200 with a signed protocol reply: the bank reads errorCode, and retries
 * on "99" or when no reply arrives. The body is taken raw so malformed JSON still gets a protocol answer.
 */
@RestController
public class VietinbankNotificationController {
    public static final String PATH = "/api/v1/partners/vietinbank/notifications";

    private final PaymentNotifications notifications;
    private final SecurityRefusals refusals;

    public VietinbankNotificationController(PaymentNotifications notifications, SecurityRefusals refusals) {
        this.notifications = notifications;
        this.refusals = refusals;
    }

    /**
     * Any content type, any charset label: the body is read as the UTF-8 the bank sends, so whatever arrives gets
     * the bank's protocol reply (a Spring 415 would be no answer the bank understands). Likewise any Accept header:
     * the reply is JSON whatever the caller says it accepts (no {@code produces}, and the content type is set on
     * the response so Spring does not negotiate it into a 406).
     */
    @Operation(tags = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_PARTNER_CALLBACKS, summary = "VietinBank payment notification (IPN)",
            description = "RSA-SHA256 signed by the bank; 200 with a signed protocol reply (errorCode), or 503 with the"
                    + " signed reply \"99\" when nothing could be applied (database down): try again.")
    // the document still says JSON, which is what every reply is
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "OK",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = VietinbankReply.class)))
    @PostMapping(path = PATH)
    public ResponseEntity<VietinbankReply> notify(jakarta.servlet.http.HttpServletRequest request) throws java.io.IOException {
        VietinbankReply reply = notifications.handle(new String(request.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        // audited by the notification's own records; counted with every other refused call
        if (VietinbankReply.Code.BAD_SIGNATURE.code.equals(reply.errorCode())) refusals.count("partner-vietinbank", "bad_signature");
        if (VietinbankReply.Code.ERROR.code.equals(reply.errorCode())) {
            // nothing was applied (the database down, the hub stopping): "99" is the hub's "try again", but the
            // published protocol defines no retry code, so the HTTP status says it too, as for every caller of the hub
            return ResponseEntity.status(503).header("Retry-After", "30").contentType(MediaType.APPLICATION_JSON).body(reply);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(reply);
    }
}
