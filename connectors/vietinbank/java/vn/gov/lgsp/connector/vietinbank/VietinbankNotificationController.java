package vn.gov.lgsp.connector.vietinbank;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
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

    @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    public VietinbankReply notify(@RequestBody(required = false) String body) {
        VietinbankReply reply = notifications.handle(body == null ? "" : body);
        // audited by the notification's own records; counted with every other refused call
        if (VietinbankReply.Code.BAD_SIGNATURE.code.equals(reply.errorCode())) refusals.count("partner-vietinbank", "bad_signature");
        return reply;
    }
}
