package vn.gov.lgsp.connector.vietinbank;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The bank's IPN endpoint. Always HTTP 200 with a signed protocol reply: the bank reads errorCode, and retries
 * on "99" or when no reply arrives. The body is taken raw so malformed JSON still gets a protocol answer.
 */
@RestController
public class VietinbankNotificationController {
    public static final String PATH = "/api/v1/partners/vietinbank/notifications";

    private final PaymentNotifications notifications;

    public VietinbankNotificationController(PaymentNotifications notifications) {
        this.notifications = notifications;
    }

    @Operation(tags = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_PARTNER_CALLBACKS, summary = "VietinBank payment notification (IPN)",
            description = "RSA-SHA256 signed by the bank; always 200 with a signed protocol reply (errorCode).")
    @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    public VietinbankReply notify(@RequestBody(required = false) String body) {
        return notifications.handle(body == null ? "" : body);
    }
}
