package vn.gov.lgsp.hub.http;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The one HTTP client stack for partners' REST/JSON APIs: Apache httpclient5, one pooled client per partner, made
 * here so every connector gets the same behaviour. (SOAP partners go through Camel CXF, which carries the WSDL,
 * WS-Security and the SOAP faults; that is the other stack, on purpose.)
 *
 * <p>Why httpclient5 rather than Camel's HTTP component: a connector needs the status code and body of every answer
 * to tell a refusal (dead letter) from an outage (retry), reads the partner's own error codes, and is called by the
 * core's partner worker, not from a route; and rather than {@code java.net.http}: a bounded connection pool per partner
 * (the partner's own connection limit), socket time-outs on every read, and pooled connections that survive a partner's
 * restart without a stale-connection failure on the first call.
 *
 * <p>What every client does: no automatic retries (the hub's retry policy decides), no cookies (sessions travel in
 * the body or a header), no compression (a few hundred bytes), no redirects (a POST redirected would be repeated as a
 * GET without its body: a 3xx is reported to the connector as the answer it is), no authentication caching.
 */
public final class PartnerHttp {
    private PartnerHttp() {}

    /** A partner's client: at most {@code maxConnections} connections, the given connect and read time-outs. */
    public static CloseableHttpClient client(int maxConnections, Duration connectTimeout, Duration responseTimeout) {
        Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
        Timeout response = Timeout.ofMilliseconds(responseTimeout.toMillis());
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(response).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(response).build())
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .disableRedirectHandling()
                .disableAuthCaching()
                .build();
    }

    /** A partner's answer: the HTTP status and the body as text (UTF-8 unless the answer says otherwise). */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** POSTs {@code json} with the given headers; an I/O failure (refused, reset, timed out) is thrown as is. */
    public static Answer postJson(CloseableHttpClient http, URI uri, String json, Map<String, String> headers) throws IOException {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8)));
        return execute(http, post, headers);
    }

    /** GETs {@code uri} with the given headers. */
    public static Answer get(CloseableHttpClient http, URI uri, Map<String, String> headers) throws IOException {
        return execute(http, new HttpGet(uri), headers);
    }

    private static Answer execute(CloseableHttpClient http, HttpUriRequestBase request, Map<String, String> headers) throws IOException {
        headers.forEach(request::setHeader);
        return http.execute(request, response -> new Answer(response.getCode(),
                response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8)));
    }
}
