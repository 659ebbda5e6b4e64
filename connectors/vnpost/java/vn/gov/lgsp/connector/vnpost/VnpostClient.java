package vn.gov.lgsp.connector.vnpost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import vn.gov.lgsp.hub.http.PartnerHttp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.vnpost.dto.CreateOrderRequest;
import vn.gov.lgsp.connector.vnpost.dto.TrackingRecord;
import vn.gov.lgsp.connector.vnpost.dto.VnpostJson;
import vn.gov.lgsp.connector.vnpost.dto.VnpostOrder;
import vn.gov.lgsp.hub.work.PartnerRejectedException;

/**
 * MyVNPost over HTTP. Failure classes matter to the hub's retry policy:
 * <ul>
 *   <li>HTTP 400/404/409/422 with VNPost's error body: {@link PartnerRejectedException} (a person must act), except
 *       a 404 to the look-up by saleOrderCode, which means there is no such order;</li>
 *   <li>5xx, 408, 429, timeouts, refused connections: {@link VnpostUnavailableException} (retried with backoff);</li>
 *   <li>401: the token is dropped, a fresh one fetched and the call repeated once.</li>
 * </ul>
 * The base URL is read per call so it can be repointed (simulator) after start-up.
 */
@Component
public class VnpostClient {
    private final VnpostProperties props;
    private final ObjectMapper json;
    private final CloseableHttpClient http;
    private final VnpostTokens tokens;

    public VnpostClient(VnpostProperties props, ObjectMapper json) {
        this.props = props;
        this.json = json;
        // a few orders a second: the connector's 4 shards never need more connections than that
        this.http = PartnerHttp.client(8, props.getConnectTimeout(), props.getReadTimeout());
        this.tokens = new VnpostTokens(props, http, json, Clock.systemUTC());
    }

    public VnpostTokens tokens() {
        return tokens;
    }

    public VnpostOrder createOrder(CreateOrderRequest order) {
        JsonNode n = call("POST", "CreateOrder", toJson(order));
        JsonNode data = VnpostJson.field(n, "data");
        VnpostOrder created = VnpostOrder.from(data != null && data.isObject() ? data : n);
        if (created.itemCode() == null) throw new VnpostUnavailableException("CreateOrder answered without an itemCode");
        return created;
    }

    /**
     * The order VNPost holds under our saleOrderCode, if any (used before re-creating after a crash). Only an order
     * whose saleOrderCode is exactly the one asked for is returned: an endpoint that ignored the filter would
     * otherwise hand us another citizen's parcel to link to this dossier. A 404 means VNPost holds no such order
     * (then the caller creates it), not a refusal to act on.
     */
    public Optional<VnpostOrder> findBySaleOrderCode(String saleOrderCode) {
        String path = "getOrder?saleOrderCode=" + enc(saleOrderCode);
        PartnerHttp.Answer res = exchange("GET", path, null);
        if (res.status() == 404) return Optional.empty();
        JsonNode data = VnpostJson.field(check(res, path), "data");
        List<VnpostOrder> found = new ArrayList<>();
        if (data != null && data.isArray()) data.forEach(o -> found.add(VnpostOrder.from(o)));
        else if (data != null && data.isObject()) found.add(VnpostOrder.from(data));
        return found.stream().filter(o -> o.itemCode() != null && o.saleOrderCode() != null
                        && o.saleOrderCode().trim().equals(saleOrderCode.trim()))
                .filter(o -> !Integer.valueOf(9).equals(o.status()) && !Integer.valueOf(22).equals(o.status()))
                .findFirst();
    }

    /** GetStatusHistoryOrder, type 1 = by item code (tracking number); unreadable records go to {@code unreadable}. */
    public List<TrackingRecord> statusHistory(String itemCode, TrackingRecord.Unreadable unreadable) {
        return TrackingRecord.listFrom(call("GET", "GetStatusHistoryOrder?type=1&code=" + enc(itemCode), null), unreadable);
    }

    public void cancel(String originalId) {
        call("POST", "orderCancel", json.createObjectNode().put("OriginalId", originalId).toString());
    }

    private JsonNode call(String method, String path, String body) {
        return check(exchange(method, path, body), path);
    }

    /** The call with the token, renewed once on a 401; the answer not yet judged. */
    private PartnerHttp.Answer exchange(String method, String path, String body) {
        String token = tokens.token();
        PartnerHttp.Answer res = send(method, path, body, token);
        if (res.status() == 401) {
            tokens.invalidate(token);
            res = send(method, path, body, tokens.token());
            if (res.status() == 401) throw new VnpostUnavailableException(path + ": VNPost refused a fresh token (HTTP 401)");
        }
        return res;
    }

    /** The answer's JSON when it is a success, else the exception that classifies the failure (see the class comment). */
    private JsonNode check(PartnerHttp.Answer res, String path) {
        int s = res.status();
        if (s >= 200 && s < 300) return read(res.body(), path);
        if (s == 408 || s == 429 || s >= 500) {
            throw new VnpostUnavailableException(name(path) + " answered HTTP " + s);
        }
        // a business refusal: keep VNPost's own words for the dead letter and the INTEGRATION_FAILED update
        JsonNode err = readOrNull(res.body());
        String code = VnpostJson.text(err, "error");
        String message = VnpostJson.text(err, "message");
        String description = VnpostJson.text(err, "description");
        throw new PartnerRejectedException(code == null ? String.valueOf(s) : code,
                name(path) + " refused (HTTP " + s + "): " + (message == null ? res.body() : message)
                        + (description == null || description.equals(message) ? "" : " - " + description));
    }

    private PartnerHttp.Answer send(String method, String path, String body, String token) {
        Map<String, String> headers = Map.of("token", token, "Accept", "application/json");
        URI uri = uri(props.getBaseUrl(), path);
        try {
            return "POST".equals(method) ? PartnerHttp.postJson(http, uri, body, headers) : PartnerHttp.get(http, uri, headers);
        } catch (IOException e) {
            // timeouts and refused connections: VNPost may or may not have acted; the caller's look-up decides
            throw new VnpostUnavailableException(name(path) + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    static URI uri(String baseUrl, String path) {
        return URI.create(baseUrl.endsWith("/") ? baseUrl + path : baseUrl + "/" + path);
    }

    private static String name(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private JsonNode read(String body, String path) {
        if (body == null || body.isBlank()) return json.createObjectNode();
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new VnpostUnavailableException(name(path) + " answered something that is not JSON");
        }
    }

    private JsonNode readOrNull(String body) {
        try {
            return body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    public String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
