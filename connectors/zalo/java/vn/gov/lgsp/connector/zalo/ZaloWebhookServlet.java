package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.security.SecurityRefusals;

/**
 * Zalo's webhook, {@code POST /api/v1/partners/zalo/webhook}. Verifies X-ZEvent-Signature = sha256(app_id + raw
 * body + timestamp + OA secret) (optionally written "mac=&lt;hex&gt;"), stores the event (a repeated delivery hits
 * the unique key and is ignored), answers 200 at once and leaves the work to {@link ZaloWebhookProcessor}. A forged
 * call gets 401 and changes nothing.
 *
 * <p>A plain servlet rather than a Spring MVC controller: Zalo posts an event for every ZNS delivered, so this
 * path is as busy as the hub itself, and handler lookup, argument resolution and message converters cost several
 * times the work done here. For the same reason a POST to exactly this path is answered by {@link FastPath}, a
 * filter just before Spring Security's: the security chain has nothing to check here (the path is open to
 * everyone; the signature is the caller's proof, checked below), yet with Spring MVC present it looks the request's
 * Spring MVC handler up on every request, and the two were 55 % of a receipt's CPU (bench/PROFILING.md).
 */
public class ZaloWebhookServlet extends HttpServlet {
    public static final String PATH = "/api/v1/partners/zalo/webhook";
    private static final byte[] ACCEPTED = "{\"error\":0,\"message\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DUPLICATE = "{\"error\":0,\"message\":\"duplicate\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FORGED = "{\"error\":-1,\"message\":\"invalid signature\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STALE = "{\"error\":-1,\"message\":\"timestamp outside the allowed window\"}".getBytes(StandardCharsets.UTF_8);
    static final String ENDPOINT = "partner-zalo";

    private final transient ZaloProperties props;
    private final transient ZaloWebhookProcessor processor;
    private final transient AuditLog audit;
    private final transient ObjectMapper json;
    private final transient SecurityRefusals refusals;
    /** How far a webhook's signed timestamp may lie from now. */
    private final java.time.Duration maxSkew;

    ZaloWebhookServlet(ZaloProperties props, ZaloWebhookProcessor processor, AuditLog audit, ObjectMapper json,
                       SecurityRefusals refusals) {
        this.props = props;
        this.processor = processor;
        this.audit = audit;
        this.json = json;
        this.refusals = refusals;
        this.maxSkew = props.getWebhookMaxSkew();
    }

    @Configuration
    static class Registration {
        @Bean
        ServletRegistrationBean<ZaloWebhookServlet> zaloWebhook(ZaloProperties props, ZaloWebhookProcessor processor,
                                                                AuditLog audit, ObjectMapper json, SecurityRefusals refusals) {
            return new ServletRegistrationBean<>(new ZaloWebhookServlet(props, processor, audit, json, refusals), PATH);
        }

        @Bean
        FilterRegistrationBean<FastPath> zaloWebhookFastPath(ServletRegistrationBean<ZaloWebhookServlet> webhook) {
            // by URL pattern, as the security chain is: the container puts filters mapped by servlet name after those
            FilterRegistrationBean<FastPath> r = new FilterRegistrationBean<>(new FastPath(webhook.getServlet()));
            r.addUrlPatterns(PATH);
            // after the body-size limit and the request metrics, before the security chain (DEFAULT_FILTER_ORDER)
            r.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER - 1);
            return r;
        }
    }

    /**
     * A POST to exactly {@link #PATH} goes straight to the servlet, with the headers the security chain would have
     * added; anything else (another method, a path with parameters or encoded characters) takes the whole chain, its
     * firewall included.
     */
    static final class FastPath implements Filter {
        private final ZaloWebhookServlet webhook;

        FastPath(ZaloWebhookServlet webhook) {
            this.webhook = webhook;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response
                    && "POST".equals(request.getMethod()) && request.getDispatcherType() == DispatcherType.REQUEST
                    && request.getRequestURI().equals(request.getContextPath() + PATH)) {
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("X-Frame-Options", "DENY");
                response.setHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
                webhook.doPost(request, response);
                return;
            }
            chain.doFilter(req, res);
        }
    }

    /** Only POST: any other method is a 405 problem (HttpServlet would answer PATCH and unknown methods 501). */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
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
        String signature = request.getHeader("X-ZEvent-Signature");
        if (event == null || !event.isObject() || !verify(event, body, signature)) {
            refusals.refuse(ENDPOINT, ZaloNotifier.PARTY, "bad_signature", "webhook signature missing or wrong");
            answer(response, 401, FORGED);
            return;
        }
        // the signature covers the timestamp: an old event cannot be made fresh
        if (!fresh(event)) {
            refusals.refuse(ENDPOINT, ZaloNotifier.PARTY, "stale_timestamp", "webhook timestamp outside the allowed window");
            answer(response, 401, STALE);
            return;
        }
        // the same delivery again (Zalo may deliver an event more than once, and does when our 200 was slow or lost;
        // a replay of genuine bytes can do no more) is recognised by its dedupe key and answered as the duplicate it
        // is, worked no second time. Not refused: a 401 would tell Zalo that an event the hub has was refused. Not
        // answered from memory either: a first delivery still being stored may yet fail (503), and its repeat must
        // wait for that outcome, which the key's unique index does
        boolean stored = processor.store(event, body);
        answer(response, 200, stored ? ACCEPTED : DUPLICATE);
    }

    private static void answer(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private boolean fresh(JsonNode event) {
        try {
            java.time.Instant at = java.time.Instant.ofEpochMilli(Long.parseLong(event.path("timestamp").asText("").trim()));
            return java.time.Duration.between(at, java.time.Instant.now()).abs().compareTo(maxSkew) <= 0;
        } catch (NumberFormatException e) {
            return false;
        }
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
