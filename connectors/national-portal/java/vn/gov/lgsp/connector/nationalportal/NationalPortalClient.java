package vn.gov.lgsp.connector.nationalportal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import vn.gov.lgsp.hub.http.PartnerHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.work.PartnerRejectedException;

/**
 * The portal's session-based adapter: login with username/password and the {@code dstcode} header returns a
 * session; each call carries {@code session} and {@code madonvi}. The session is cached and renewed only when
 * the portal says it is no longer valid, one login at a time (callers that waited reuse the new session).
 *
 * <p>Answers: {@code error_code} 0 = done; {@link #REJECTED} = the data was refused (not retried);
 * {@link #SESSION_INVALID} = log in again; anything else, HTTP 5xx, timeouts = retried by the hub.
 */
@Component
public class NationalPortalClient {
    private static final Logger log = LoggerFactory.getLogger(NationalPortalClient.class);
    public static final int OK = 0;
    public static final int REJECTED = 2;
    public static final int SESSION_INVALID = 3;

    private final NationalPortalProperties props;
    private final ObjectMapper json;
    private final CloseableHttpClient http;
    private final Object loginLock = new Object();
    private volatile String session;
    private final AtomicLong logins = new AtomicLong();

    public NationalPortalClient(NationalPortalProperties props, ObjectMapper json) {
        this.props = props;
        this.json = json;
        // the session travels in the body (no cookies); a 3xx is reported below, not followed (PartnerHttp)
        this.http = PartnerHttp.client(props.getMaxConnections(), props.getConnectTimeout(), props.getResponseTimeout());
    }

    /** Logins performed since start (the session-expiry test counts them). */
    public long logins() {
        return logins.get();
    }

    /** Calls one service; renews the session once if the portal says it expired. Returns the portal's answer. */
    public JsonNode call(String service, ObjectNode request) throws IOException {
        return call(service, json.writeValueAsString(request));
    }

    /**
     * {@link #call(String, ObjectNode)} with the request already serialised (a JSON object, without the session): the
     * caller audits the same text it had sent, serialised once.
     */
    public JsonNode call(String service, String request) throws IOException {
        String used = currentSession();
        JsonNode answer = send(request, service, used);
        if (answer.path("error_code").asInt(-1) == SESSION_INVALID) {
            answer = send(request, service, renewSession(used));
        }
        int code = answer.path("error_code").asInt(-1);
        if (code == OK) return answer;
        String message = answer.path("message").asText("");
        if (code == REJECTED) throw new PartnerRejectedException(Integer.toString(code), service + ": " + message);
        throw new IOException("portal " + service + " answered error_code " + code + ": " + message);
    }

    /**
     * The request as sent: the session, unit and service added after its own fields, as the portal's integration
     * calls carry them; the caller's text (which goes to the audit log, which must never hold the session) is not
     * changed.
     */
    private JsonNode send(String request, String service, String s) throws IOException {
        return post(props.getIntegrationPath(), withSession(request, s, service), false);
    }

    /** The request object with the session fields as its last members: its text up to the closing brace, then them. */
    String withSession(String request, String s, String service) throws IOException {
        int close = request.lastIndexOf('}');
        if (close < 0 || request.isBlank() || request.strip().charAt(0) != '{') {
            throw new IllegalArgumentException("a portal request is a JSON object");
        }
        int last = close - 1;
        while (last >= 0 && Character.isWhitespace(request.charAt(last))) last--;
        boolean empty = request.charAt(last) == '{';
        return new StringBuilder(request.length() + 160).append(request, 0, close).append(empty ? "" : ",")
                .append("\"session\":").append(json.writeValueAsString(s))
                .append(",\"madonvi\":").append(json.writeValueAsString(props.getMadonvi()))
                .append(",\"service\":").append(json.writeValueAsString(service)).append('}').toString();
    }

    private String currentSession() throws IOException {
        String s = session;
        return s != null ? s : renewSession(null);
    }

    /** Logs in unless another thread already replaced the session we found stale. */
    private String renewSession(String stale) throws IOException {
        synchronized (loginLock) {
            if (session != null && !session.equals(stale)) return session;
            ObjectNode login = json.createObjectNode().put("username", props.getUsername()).put("password", props.getPassword());
            JsonNode answer = post(props.getLoginPath(), json.writeValueAsString(login), true);
            if (answer.path("error_code").asInt(-1) != OK || !answer.hasNonNull("session")) {
                throw new IOException("portal login failed: " + answer.path("message").asText("no session returned"));
            }
            logins.incrementAndGet();
            session = answer.get("session").asText();
            log.info("national portal: new session (login #{})", logins.get());
            return session;
        }
    }

    private JsonNode post(String path, String body, boolean login) throws IOException {
        HttpPost post = new HttpPost(props.getBaseUrl() + path);
        if (login) post.setHeader("dstcode", props.getDstcode());
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        return http.execute(post, response -> {
            String text = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), java.nio.charset.StandardCharsets.UTF_8);
            if (response.getCode() >= 500) throw new IOException("portal HTTP " + response.getCode());
            if (response.getCode() >= 300 && response.getCode() < 400) {
                throw new IOException("portal HTTP " + response.getCode() + " redirecting to "
                        + (response.getFirstHeader("Location") == null ? "?" : response.getFirstHeader("Location").getValue())
                        + ": check hub.partners.national-portal.base-url");
            }
            if (response.getCode() >= 400) {
                throw new PartnerRejectedException("HTTP " + response.getCode(), "portal refused the request: " + text);
            }
            return json.readTree(text);
        });
    }

    @PreDestroy
    public void close() throws IOException {
        http.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
    }
}
