package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.springframework.stereotype.Component;

/**
 * The three Zalo HTTP calls, each a small route with an id (tests can weave them): ZNS send, token refresh, OA
 * message. Every call gets a fresh exchange, so no work-queue header ever leaks out as an HTTP header. URLs are
 * read from {@link ZaloProperties} at call time. Zalo answers HTTP 200 with an "error" field; anything else
 * (HTTP error, no connection) is thrown and so retried by the work queue.
 */
@Component
public class ZaloApi extends RouteBuilder {
    public static final String ZNS_SEND = "direct:zalo-zns-send";
    public static final String TOKEN_REFRESH = "direct:zalo-token-refresh";
    public static final String OA_MESSAGE = "direct:zalo-oa-message";
    private static final String URL = "zaloUrl";

    private final ZaloProperties props;
    private final ObjectMapper json;
    private ProducerTemplate producer;

    public ZaloApi(ZaloProperties props, ObjectMapper json) {
        this.props = props;
        this.json = json;
    }

    @Override
    public void configure() {
        from(ZNS_SEND).routeId("zalo-zns-send")
                .toD("${exchangeProperty." + URL + "}?throwExceptionOnFailure=false").id("zalo-zns-http");
        from(TOKEN_REFRESH).routeId("zalo-token-refresh")
                .toD("${exchangeProperty." + URL + "}?throwExceptionOnFailure=false").id("zalo-token-http");
        from(OA_MESSAGE).routeId("zalo-oa-message")
                .toD("${exchangeProperty." + URL + "}?throwExceptionOnFailure=false").id("zalo-oa-http");
    }

    /** POST /message/template. */
    public JsonNode sendZns(String body, String accessToken) {
        return call(ZNS_SEND, props.getBaseUrl() + "/message/template", body, "application/json",
                Map.of("access_token", accessToken));
    }

    /** POST /v4/oa/access_token (form-encoded; the app secret goes in the secret_key header). */
    public JsonNode refresh(String refreshToken) {
        String form = "refresh_token=" + enc(refreshToken) + "&app_id=" + enc(props.getAppId()) + "&grant_type=refresh_token";
        return call(TOKEN_REFRESH, props.getOauthUrl() + "/v4/oa/access_token", form, "application/x-www-form-urlencoded",
                Map.of("secret_key", props.getAppSecret()));
    }

    /** POST /v3.0/oa/message/cs: a customer-service text to a user who wrote to the OA. */
    public JsonNode sendOaText(String userId, String text, String accessToken) {
        String body = json.createObjectNode()
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("recipient", json.createObjectNode().put("user_id", userId))
                .set("message", json.createObjectNode().put("text", text)).toString();
        return call(OA_MESSAGE, props.getOaApiUrl() + "/v3.0/oa/message/cs", body, "application/json",
                Map.of("access_token", accessToken));
    }

    private JsonNode call(String route, String url, String body, String contentType, Map<String, String> headers) {
        if (producer == null) producer = getContext().createProducerTemplate();
        CamelContext camel = getContext();
        Exchange ex = new DefaultExchange(camel);
        ex.setProperty(URL, url);
        ex.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        ex.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType + "; charset=UTF-8");
        headers.forEach(ex.getMessage()::setHeader);
        ex.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        producer.send(route, ex);
        if (ex.getException() != null) {
            throw new ZaloUnavailableException("Zalo call failed: " + ex.getException().getMessage(), ex.getException());
        }
        int status = ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String answer = ex.getMessage().getBody(String.class);
        if (status != 200) throw new ZaloUnavailableException("Zalo answered HTTP " + status, null);
        try {
            return json.readTree(answer);
        } catch (Exception e) {
            throw new ZaloUnavailableException("Zalo answered something that is not JSON", e);
        }
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
