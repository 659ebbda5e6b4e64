package vn.gov.lgsp.connector.vnpost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import vn.gov.lgsp.hub.http.PartnerHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.gov.lgsp.connector.vnpost.dto.VnpostJson;

/**
 * The MyVNPost access token: fetched with GetAccessToken, cached, refreshed shortly before it expires and when
 * VNPost answers 401. One refresh at a time: callers that find the token stale wait on the lock and then use
 * the token the first one fetched, so a burst of 401s costs one GetAccessToken, not one per caller.
 */
public class VnpostTokens {
    private static final Logger log = LoggerFactory.getLogger(VnpostTokens.class);

    private final VnpostProperties props;
    private final CloseableHttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Token current;
    private volatile int fetches;

    private record Token(String value, Instant expiresAt) {}

    public VnpostTokens(VnpostProperties props, CloseableHttpClient http, ObjectMapper json, Clock clock) {
        this.props = props;
        this.http = http;
        this.json = json;
        this.clock = clock;
    }

    /** A token valid for at least tokenRefreshBefore more. */
    public String token() {
        Token t = current;
        if (fresh(t)) return t.value();
        refreshing.lock();
        try {
            t = current;
            if (fresh(t)) return t.value(); // another caller refreshed while we waited
            current = fetch();
            return current.value();
        } finally {
            refreshing.unlock();
        }
    }

    /** VNPost refused {@code rejected}: forget it unless another caller already replaced it. */
    public void invalidate(String rejected) {
        refreshing.lock();
        try {
            if (current != null && current.value().equals(rejected)) current = null;
        } finally {
            refreshing.unlock();
        }
    }

    /** GetAccessToken calls made so far (for tests and metrics). */
    public int fetches() {
        return fetches;
    }

    private boolean fresh(Token t) {
        return t != null && clock.instant().plus(props.getTokenRefreshBefore()).isBefore(t.expiresAt());
    }

    private Token fetch() {
        if (props.getUsername() == null || props.getUsername().isBlank() || props.getPassword() == null) {
            throw new IllegalStateException("VNPost credentials are not configured (HUB_VNPOST_USERNAME / HUB_VNPOST_PASSWORD)");
        }
        String body = json.createObjectNode().put("username", props.getUsername()).put("password", props.getPassword())
                .put("customerCode", props.getCustomerCode()).toString();
        PartnerHttp.Answer res;
        try {
            fetches++;
            res = PartnerHttp.postJson(http, VnpostClient.uri(props.getBaseUrl(), "GetAccessToken"), body, java.util.Map.of());
        } catch (IOException e) {
            throw new VnpostUnavailableException("GetAccessToken failed: " + e, e);
        }
        if (res.status() != 200) {
            // wrong credentials are an operator problem, but retrying costs little and survives a VNPost hiccup
            throw new VnpostUnavailableException("GetAccessToken answered HTTP " + res.status());
        }
        try {
            JsonNode n = json.readTree(res.body());
            String token = VnpostJson.text(n, "token");
            if (token == null) token = VnpostJson.text(VnpostJson.field(n, "data"), "token");
            if (token == null || token.isBlank()) throw new VnpostUnavailableException("GetAccessToken returned no token");
            Long seconds = VnpostJson.longValue(n, "expiresIn");
            Duration ttl = seconds == null ? props.getTokenTtl() : Duration.ofSeconds(seconds);
            log.info("VNPost token obtained, valid for {}", ttl);
            return new Token(token, clock.instant().plus(ttl));
        } catch (IOException e) {
            throw new VnpostUnavailableException("unreadable GetAccessToken answer", e);
        }
    }
}
