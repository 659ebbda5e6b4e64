package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * Zalo's webhook, {@code POST /api/v1/partners/zalo/webhook}. Verifies X-ZEvent-Signature = sha256(app_id + raw
 * body + timestamp + OA secret) (optionally written "mac=&lt;hex&gt;"), stores the event (a repeated delivery hits
 * the unique key and is ignored), answers 200 at once and leaves the work to {@link ZaloWebhookProcessor}. A forged
 * call gets 401 and changes nothing.
 *
 * <p>A plain servlet rather than a Spring MVC controller: Zalo posts an event for every ZNS delivered, so this
 * path is as busy as the hub itself, and handler lookup, argument resolution and message converters cost several
 * times the work done here.
 */
public class ZaloWebhookServlet extends HttpServlet {
    public static final String PATH = "/api/v1/partners/zalo/webhook";
    private static final byte[] ACCEPTED = "{\"error\":0,\"message\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DUPLICATE = "{\"error\":0,\"message\":\"duplicate\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FORGED = "{\"error\":-1,\"message\":\"invalid signature\"}".getBytes(StandardCharsets.UTF_8);

    private final transient ZaloProperties props;
    private final transient ZaloWebhookProcessor processor;
    private final transient AuditLog audit;
    private final transient ObjectMapper json;

    ZaloWebhookServlet(ZaloProperties props, ZaloWebhookProcessor processor, AuditLog audit, ObjectMapper json) {
        this.props = props;
        this.processor = processor;
        this.audit = audit;
        this.json = json;
    }

    @Configuration
    static class Registration {
        @Bean
        ServletRegistrationBean<ZaloWebhookServlet> zaloWebhook(ZaloProperties props, ZaloWebhookProcessor processor,
                                                                AuditLog audit, ObjectMapper json) {
            return new ServletRegistrationBean<>(new ZaloWebhookServlet(props, processor, audit, json), PATH);
        }
    }

    /** Only POST: any other method is a 405 problem (HttpServlet would answer PATCH and unknown methods 501). */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws jakarta.servlet.ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            response.sendError(405);
            return;
        }
        super.service(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (Exception e) {
            event = null;
        }
        if (event == null || !event.isObject() || !verify(event, body, request.getHeader("X-ZEvent-Signature"))) {
            audit.record(new AuditEntry(AuditEntry.Direction.IN, ZaloNotifier.PARTY, null, "WEBHOOK", "REJECTED", null, null,
                    null, "webhook signature missing or wrong"));
            answer(response, 401, FORGED);
            return;
        }
        answer(response, 200, processor.store(event, body) ? ACCEPTED : DUPLICATE);
    }

    private static void answer(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
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
