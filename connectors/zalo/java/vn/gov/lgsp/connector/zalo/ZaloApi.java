package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.http.PartnerHttp;

/**
 * The three Zalo HTTP calls: ZNS send, token refresh, OA message, on one pooled partner client of {@link PartnerHttp}
 * (no Camel exchange or route per call: the routes existed for tests to weave, and none does). Only the headers given
 * here go out, so no work-queue header ever leaks as an HTTP header.
 * URLs are read from {@link ZaloProperties} at call time. Zalo answers HTTP 200 with an "error" field; anything else
 * (HTTP error, no connection, not JSON) is a {@link ZaloUnavailableException}, and so retried by the work queue.
 */
@Component
public class ZaloApi {
    private final ZaloProperties props;
    private final ObjectMapper json;
    private final CloseableHttpClient http;

    public ZaloApi(ZaloProperties props, ObjectMapper json) {
        this.props = props;
        this.json = json;
        this.http = PartnerHttp.client(props.getMaxConnections(), props.getConnectTimeout(), props.getResponseTimeout());
    }

    /** POST /message/template. */
    public JsonNode sendZns(String body, String accessToken) {
        return call(props.getBaseUrl() + "/message/template", body, ContentType.APPLICATION_JSON, Map.of("access_token", accessToken));
    }

    /** POST /v4/oa/access_token (form-encoded; the app secret goes in the secret_key header). */
    public JsonNode refresh(String refreshToken) {
        String form = "refresh_token=" + enc(refreshToken) + "&app_id=" + enc(props.getAppId()) + "&grant_type=refresh_token";
        return call(props.getOauthUrl() + "/v4/oa/access_token", form,
                ContentType.APPLICATION_FORM_URLENCODED.withCharset(StandardCharsets.UTF_8), Map.of("secret_key", props.getAppSecret()));
    }

    /** POST /v3.0/oa/message/cs: a customer-service text to a user who wrote to the OA. */
    public JsonNode sendOaText(String userId, String text, String accessToken) {
        String body = json.createObjectNode()
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("recipient", json.createObjectNode().put("user_id", userId))
                .set("message", json.createObjectNode().put("text", text)).toString();
        return call(props.getOaApiUrl() + "/v3.0/oa/message/cs", body, ContentType.APPLICATION_JSON, Map.of("access_token", accessToken));
    }

    private JsonNode call(String url, String body, ContentType contentType, Map<String, String> headers) {
        PartnerHttp.Answer answer;
        try {
            answer = PartnerHttp.post(http, URI.create(url), body, contentType, headers);
        } catch (IOException | RuntimeException e) {
            throw new ZaloUnavailableException("Zalo call failed: " + e.getMessage(), e);
        }
        return read(answer);
    }

    /** Zalo's answer as JSON: only an HTTP 200 with a JSON body is one. */
    private JsonNode read(PartnerHttp.Answer answer) {
        if (answer.status() != 200) throw new ZaloUnavailableException("Zalo answered HTTP " + answer.status(), null);
        try {
            return json.readTree(answer.body());
        } catch (Exception e) {
            throw new ZaloUnavailableException("Zalo answered something that is not JSON", e);
        }
    }

    @PreDestroy
    public void close() throws IOException {
        http.close(CloseMode.GRACEFUL);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    /** Zalo could not be reached or answered out of protocol: retried. */
    public static class ZaloUnavailableException extends RuntimeException {
        public ZaloUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
