package vn.gov.lgsp.connector.nationalportal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import vn.gov.lgsp.hub.http.PartnerHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.PartnerRejectedException;

/**
 * The portal's session-based adapter: login with username/password and the {@code dstcode} header returns a
 * session; each call carries {@code session} and {@code madonvi}. The session is cached and renewed only when
 * an answer may mean it is no longer valid, one login at a time (callers that waited reuse the new session).
 *
 * <p>Answers (README "Answers"): {@code error_code} 0 = done; {@link #REJECTED}, or an HTTP 4xx other than 401, 403,
 * 408 and 429, = the portal refused this dossier's data (a {@link PartnerRejectedException}: dead letter, an operator
 * must act). Everything else means "try again" (an {@link IOException}: retried with backoff, never a dead letter by
 * itself). The spec documents no session-expiry code, only a successful login: so any other non-zero
 * {@code error_code}, and HTTP 401/403, may be an expired session and the call is repeated once with a fresh login;
 * if the fresh session gets the same answer, it is an outage, not a refusal.
 *
 * <p>Two ways to call, one behaviour: {@link #call} waits for the answer (ratings, and the syncs of a shard batch with
 * one dossier's work: most batches at a province's pace); {@link #callAsync} holds no thread while the portal answers
 * (the syncs of a batch with several dossiers' work: flat out the calls waiting on a thread each were the hub's largest
 * thread group, bench/PROFILING.md). A login is always a blocking call, made once per session: off the non-blocking
 * client's I/O thread.
 */
@Component
public class NationalPortalClient {
    private static final Logger log = LoggerFactory.getLogger(NationalPortalClient.class);
    public static final int OK = 0;
    /** The one code the hub reads as "this dossier's data is refused" (the hub's reading: confirm with the operator). */
    public static final int REJECTED = 2;

    private final NationalPortalProperties props;
    private final ObjectMapper json;
    private final CloseableHttpClient http;
    /** The sync calls: no thread per call while the portal answers (PartnerHttp#nonBlockingClient). */
    private final CloseableHttpAsyncClient nonBlocking;
    /** Where a session the portal said had expired is renewed for a non-blocking call (a login blocks). */
    private final ExecutorService logins = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "national-portal-login");
        t.setDaemon(true);
        return t;
    });
    /** The integration address as last built (the settings may change it while the hub runs: tests, re-binding). */
    private volatile URI integration;
    private final Object loginLock = new Object();
    private volatile String session;
    private final AtomicLong loginCount = new AtomicLong();
    /** Calls made without a thread waiting ({@link #callAsync}), since start. */
    private final AtomicLong nonBlockingCalls = new AtomicLong();

    public NationalPortalClient(NationalPortalProperties props, ObjectMapper json) {
        this.props = props;
        this.json = json;
        // the session travels in the body (no cookies); a 3xx is reported below, not followed (PartnerHttp)
        this.http = PartnerHttp.client(props.getMaxConnections(), props.getConnectTimeout(), props.getResponseTimeout());
        this.nonBlocking = PartnerHttp.nonBlockingClient(props.getMaxConnections(), props.getConnectTimeout(), props.getResponseTimeout());
    }

    /** Logins performed since start (the session-expiry test counts them). */
    public long logins() {
        return loginCount.get();
    }

    /** Calls made without a thread waiting for the answer since start (which path a shard batch took: tests). */
    public long nonBlockingCalls() {
        return nonBlockingCalls.get();
    }

    /** Calls one service; renews the session once if the answer may mean it expired. Returns the portal's answer. */
    public JsonNode call(String service, ObjectNode request) throws IOException {
        return call(service, json.writeValueAsString(request));
    }

    /**
     * {@link #call(String, ObjectNode)} with the request already serialised (a JSON object, without the session): the
     * caller audits the same text it had sent, serialised once.
     */
    public JsonNode call(String service, String request) throws IOException {
        String used = currentSession();
        try {
            JsonNode answer = send(request, service, used);
            if (!sessionInDoubt(answer)) return outcome(service, answer);
        } catch (SessionRefused refused) {
            // HTTP 401/403: logged in again below
        }
        return outcome(service, send(request, service, renewSession(used)));
    }

    /**
     * {@link #call(String, String)} without waiting: the future answers the portal's answer or fails with what
     * {@link #call} would have thrown (a {@link PartnerRejectedException}, an {@link IOException}). It completes on
     * the client's I/O thread. The first call of a session logs in first, on the caller's thread.
     */
    public CompletableFuture<JsonNode> callAsync(String service, String request) {
        nonBlockingCalls.incrementAndGet();
        String used;
        String wire;
        try {
            used = currentSession();
            wire = withSession(request, used, service);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return postAsync(wire).handle((answer, failure) -> {
            if (failure == null && !sessionInDoubt(answer)) return CompletableFuture.completedFuture(answer);
            if (failure != null && !(PartnerConnector.failureOf(failure) instanceof SessionRefused)) {
                return CompletableFuture.<JsonNode>failedFuture(failure);
            }
            // the session may have expired: once more with a fresh login (made off the I/O thread: it blocks)
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return withSession(request, renewSession(used), service);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, logins).thenCompose(this::postAsync);
        }).thenCompose(again -> again).thenApply(answer -> {
            try {
                return outcome(service, answer);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * An answer that may mean the session is no longer valid: any non-zero code but the refusal of the data. The spec
     * documents no expiry code (a simulator's 3 is a guess), so the hub does not rely on one.
     */
    private static boolean sessionInDoubt(JsonNode answer) {
        int code = answer.path("error_code").asInt(-1);
        return code != OK && code != REJECTED;
    }

    /**
     * The portal's answer to a service call: itself when done, a refusal of the data for {@link #REJECTED}, else (also
     * after a fresh login) a failure to retry: an outage, never a dead letter by itself.
     */
    private static JsonNode outcome(String service, JsonNode answer) throws IOException {
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
            JsonNode answer;
            try {
                answer = post(props.getLoginPath(), json.writeValueAsString(login), true);
            } catch (PartnerRejectedException refused) {
                // a refused login says nothing about the dossier being sent: an outage (retried), never a dead letter
                throw new IOException("portal login refused: " + refused.getMessage());
            }
            if (answer.path("error_code").asInt(-1) != OK || !answer.hasNonNull("session")) {
                throw new IOException("portal login failed: " + answer.path("message").asText("no session returned"));
            }
            loginCount.incrementAndGet();
            session = answer.get("session").asText();
            log.info("national portal: new session (login #{})", loginCount.get());
            return session;
        }
    }

    private JsonNode post(String path, String body, boolean login) throws IOException {
        Map<String, String> headers = login ? Map.of("dstcode", props.getDstcode()) : Map.of();
        return read(PartnerHttp.postJson(http, URI.create(props.getBaseUrl() + path), body, headers));
    }

    /** An integration call without waiting; fails as {@link #read} throws. */
    private CompletableFuture<JsonNode> postAsync(String wire) {
        return PartnerHttp.postJsonAsync(nonBlocking, integration(), wire, Map.of()).thenApply(a -> {
            try {
                return read(a);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    private URI integration() {
        String address = props.getBaseUrl() + props.getIntegrationPath();
        URI built = integration;
        if (built == null || !built.toString().equals(address)) integration = built = URI.create(address);
        return built;
    }

    /**
     * An HTTP answer of the portal: its JSON when 2xx. Try again: a 5xx, a redirect (the settings), 408 (timed out) and
     * 429 (too many requests); 401/403 ({@link SessionRefused}): the session, logged in again once by the caller.
     * Any other 4xx (400, 404, 413, 422, ...) is a refusal of the request itself: a dead letter.
     */
    private JsonNode read(PartnerHttp.Answer answer) throws IOException {
        int status = answer.status();
        if (status >= 500 || status == 408 || status == 429) throw new IOException("portal HTTP " + status);
        if (status == 401 || status == 403) throw new SessionRefused(status);
        if (status >= 300 && status < 400) {
            throw new IOException("portal HTTP " + status + " redirecting to " + (answer.location() == null ? "?" : answer.location())
                    + ": check hub.partners.national-portal.base-url");
        }
        if (status >= 400) throw new PartnerRejectedException("HTTP " + status, "portal refused the request: " + answer.body());
        return json.readTree(answer.body());
    }

    /** HTTP 401/403: the portal does not take the session (or the login); after a fresh login, an outage. */
    static final class SessionRefused extends IOException {
        SessionRefused(int status) {
            super("portal HTTP " + status + ": session refused (also after a fresh login: retried as an outage)");
        }
    }

    @PreDestroy
    public void close() throws IOException {
        http.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
        nonBlocking.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
        logins.shutdown();
    }
}
