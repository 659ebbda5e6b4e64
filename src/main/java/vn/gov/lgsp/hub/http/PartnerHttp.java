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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;

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
 * <p>A connector whose calls are many and short (the national portal's sync) can call without a thread per call: {@link
 * #nonBlockingClient} is httpclient5's asynchronous client (one I/O thread multiplexes every connection of the
 * partner's pool) and {@link #postJsonAsync} answers a future, with the same behaviour as the classic client.
 *
 * <p>What every client does: no automatic retries (the hub's retry policy decides), no cookies (sessions travel in
 * the body or a header), no compression (a few hundred bytes), no redirects (a POST redirected would be repeated as a
 * GET without its body: a 3xx is reported to the connector as the answer it is), no authentication caching.
 */
public final class PartnerHttp {
    private PartnerHttp() {}

    /** A partner's client: at most {@code maxConnections} connections, the given connect and read time-outs. */
    public static CloseableHttpClient client(int maxConnections, Duration connectTimeout, Duration responseTimeout) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections)
                        .setDefaultConnectionConfig(connections(connectTimeout, responseTimeout))
                        .build())
                .setDefaultRequestConfig(requests(responseTimeout))
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .disableRedirectHandling()
                .disableAuthCaching()
                .build();
    }

    /**
     * A partner's non-blocking client: at most {@code maxConnections} connections, the given connect and read
     * time-outs, HTTP/1.1 only (partners speak it; no upgrade is tried), started, with the classic client's
     * behaviour (above). One I/O thread ({@link IoThread}): a call's own work there is a few microseconds of parsing,
     * and the calls' waiting costs no thread.
     */
    public static CloseableHttpAsyncClient nonBlockingClient(int maxConnections, Duration connectTimeout, Duration responseTimeout) {
        AtomicInteger threads = new AtomicInteger();
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1)
                        .setSoTimeout(Timeout.ofMilliseconds(responseTimeout.toMillis())).build())
                .setThreadFactory(r -> new IoThread(r, "partner-http-io-" + threads.incrementAndGet()))
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections)
                        .setDefaultConnectionConfig(connections(connectTimeout, responseTimeout))
                        .build())
                .setDefaultRequestConfig(requests(responseTimeout))
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableRedirectHandling()
                .disableAuthCaching()
                .disableConnectionState()
                .build();
        client.start();
        return client;
    }

    /** Both clients' connections: the connect time-out, and the read time-out on every socket read. */
    private static ConnectionConfig connections(Duration connectTimeout, Duration responseTimeout) {
        return ConnectionConfig.custom().setConnectTimeout(Timeout.ofMilliseconds(connectTimeout.toMillis()))
                .setSocketTimeout(Timeout.ofMilliseconds(responseTimeout.toMillis())).build();
    }

    /** Both clients' requests: the time an answer may take. */
    private static RequestConfig requests(Duration responseTimeout) {
        return RequestConfig.custom().setResponseTimeout(Timeout.ofMilliseconds(responseTimeout.toMillis())).build();
    }

    /**
     * The thread a non-blocking client's answers complete on. What runs there must not block, and holds no broker
     * transaction: work sent from it would commit on its own (PartnerWorkQueues refuses it).
     */
    public static final class IoThread extends Thread {
        IoThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    /**
     * POSTs {@code json} with the given headers without waiting: the future answers the partner's {@link Answer}, or
     * fails with what failed (refused, reset, timed out: an {@link IOException}; the client closed: an IOException
     * too). It completes on the client's {@link IoThread}: what follows it there must not block.
     */
    public static CompletableFuture<Answer> postJsonAsync(CloseableHttpAsyncClient http, URI uri, String json, Map<String, String> headers) {
        SimpleRequestBuilder post = SimpleRequestBuilder.post(uri)
                .setBody(json.getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8));
        headers.forEach(post::setHeader);
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        http.execute(post.build(), new FutureCallback<SimpleHttpResponse>() {
            @Override
            public void completed(SimpleHttpResponse response) {
                answer.complete(new Answer(response.getCode(), textOf(response), location(response)));
            }

            @Override
            public void failed(Exception e) {
                answer.completeExceptionally(e);
            }

            @Override
            public void cancelled() {
                answer.completeExceptionally(new IOException("the call to " + uri + " was cancelled (the hub is stopping)"));
            }
        });
        return answer;
    }

    private static String textOf(SimpleHttpResponse response) {
        byte[] body = response.getBodyBytes();
        if (body == null) return "";
        ContentType type = response.getContentType();
        java.nio.charset.Charset charset = type == null || type.getCharset() == null ? StandardCharsets.UTF_8 : type.getCharset();
        return new String(body, charset);
    }

    private static String location(org.apache.hc.core5.http.HttpResponse response) {
        org.apache.hc.core5.http.Header h = response.getFirstHeader("Location");
        return h == null ? null : h.getValue();
    }

    /** A partner's answer: the HTTP status, the body as text (UTF-8 unless the answer says otherwise), its Location if any. */
    public record Answer(int status, String body, String location) {
        public Answer(int status, String body) {
            this(status, body, null);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** POSTs {@code json} with the given headers; an I/O failure (refused, reset, timed out) is thrown as is. */
    public static Answer postJson(CloseableHttpClient http, URI uri, String json, Map<String, String> headers) throws IOException {
        return post(http, uri, json, ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8), headers);
    }

    /** POSTs {@code body} as {@code type} with the given headers; an I/O failure is thrown as is. */
    public static Answer post(CloseableHttpClient http, URI uri, String body, ContentType type, Map<String, String> headers) throws IOException {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new StringEntity(body, type));
        return execute(http, post, headers);
    }

    /** GETs {@code uri} with the given headers. */
    public static Answer get(CloseableHttpClient http, URI uri, Map<String, String> headers) throws IOException {
        return execute(http, new HttpGet(uri), headers);
    }

    private static Answer execute(CloseableHttpClient http, HttpUriRequestBase request, Map<String, String> headers) throws IOException {
        headers.forEach(request::setHeader);
        return http.execute(request, response -> new Answer(response.getCode(),
                response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8), location(response)));
    }
}
