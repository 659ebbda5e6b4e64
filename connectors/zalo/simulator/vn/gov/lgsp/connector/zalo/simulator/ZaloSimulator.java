package vn.gov.lgsp.connector.zalo.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import vn.gov.lgsp.connector.zalo.ZaloWebhookServlet;

/**
 * Plays Zalo on loopback: ZNS send (real response shape; error codes by phone number pattern), the token endpoint
 * (single-use refresh tokens, expiring access tokens), OA customer-service messages, and a webhook sender that
 * signs like Zalo.
 *
 * <p>Phone patterns (84... form): ending 118 -> -118 (no Zalo account), 114 -> -114 (inactive), 144 -> -144 (out of
 * quota), 108 -> -108 (phone invalid). Faults: {@link #expireAccessTokens()}, {@link #failNextSends(int, int)}.
 *
 * <p>Service ratings: after a ZNS of the rating template ({@link #setRatingTemplateId}), the citizen's tap comes back
 * as a signed {@code user_feedback} webhook after {@link #setRatingDelayMillis} (partners/zalo.md's fields: rate,
 * note, feedbacks, msg_id, tracking_id, submit_time). Who rates is the {@link RatingPolicy}: by default a share
 * never rates and a share of those who do rate twice (the second tap is a new delivery of the same msg_id).
 */
public class ZaloSimulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PHONE_84 = Pattern.compile("84\\d{9}");

    public final String appId = "sim-app-" + UUID.randomUUID().toString().substring(0, 8);
    public final String appSecret = "sim-app-secret";
    public final String oaSecret = "sim-oa-secret";

    private final HttpServer server;
    /** Webhooks sent at once (see {@link #WEBHOOKS}). */
    private static final int WEBHOOK_SENDERS = 16;
    // webhooks go out on pooled keep-alive connections, as a partner's would; the JDK client cost the simulator a
    // selector thread's hand-offs per request, as much CPU as the hub's own receipt handling in a benchmark. One
    // connection per sender: with fewer, the senders beyond them wait for a connection and not for the hub
    private final CloseableHttpClient client = HttpClients.custom().setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(WEBHOOK_SENDERS)
                    .setMaxConnPerRoute(WEBHOOK_SENDERS).build()).build();
    private final Set<String> validRefresh = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> accessTokens = new ConcurrentHashMap<>();  // token -> expires (epoch ms)
    // appended on every ZNS: a copy-on-write list would copy itself each time (quadratic over a benchmark)
    private final List<JsonNode> znsReceived = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final java.util.concurrent.atomic.AtomicLong znsCount = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean retainRequests = true;
    private final List<JsonNode> oaMessages = new CopyOnWriteArrayList<>();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger refusedRefreshes = new AtomicInteger();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile boolean down;
    private volatile int failCode;
    private volatile long accessTtlSeconds = 90_000;
    private volatile String webhookUrl;
    private volatile boolean sendReceipts = true;
    private final Map<String, String> userIds = new ConcurrentHashMap<>();

    /** What a citizen does with a rating invitation: stars 1..5, the reasons picked, a note; {@code times} 1 or 2. */
    public record RatingChoice(int stars, List<String> reasons, String note, int times) {}

    /** Decides for each rating ZNS (phone 84..., tracking_id) what its citizen does; null: never rates. */
    @FunctionalInterface
    public interface RatingPolicy {
        RatingChoice choose(String phone84, String trackingId);
    }

    private static final List<String> GOOD_REASONS = List.of("Đúng hẹn", "Cán bộ nhiệt tình", "Thủ tục nhanh gọn");
    private static final List<String> BAD_REASONS = List.of("Trễ hẹn", "Phải đi lại nhiều lần", "Hướng dẫn chưa rõ");
    private volatile String ratingTemplateId = "301009";
    private volatile long ratingDelayMillis = 30_000;
    private volatile RatingPolicy ratingPolicy = randomRatings(0.6, 0.1, new java.util.Random());
    private final AtomicInteger feedbacksSent = new AtomicInteger();
    private final java.util.concurrent.ScheduledExecutorService ratingTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "zalo-simulator-ratings");
        t.setDaemon(true);
        return t;
    });

    /** A share of citizens rate (mostly 4-5 stars, some 1-2 with reasons), a share of those twice. */
    public static RatingPolicy randomRatings(double rateShare, double twiceShare, java.util.Random random) {
        return (phone, trackingId) -> {
            synchronized (random) {
                if (random.nextDouble() >= rateShare) return null;
                int stars = new int[] {5, 5, 5, 4, 4, 4, 3, 2, 1}[random.nextInt(9)];
                List<String> reasons = stars >= 4 ? List.of(GOOD_REASONS.get(random.nextInt(GOOD_REASONS.size())))
                        : stars <= 2 ? List.of(BAD_REASONS.get(random.nextInt(BAD_REASONS.size()))) : List.of();
                String note = stars <= 2 ? "Chờ lâu quá, gọi 0912345678 không ai nghe" : null;
                return new RatingChoice(stars, reasons, note, random.nextDouble() < twiceShare ? 2 : 1);
            }
        };
    }

    public void setRatingTemplateId(String templateId) { this.ratingTemplateId = templateId; }
    public void setRatingDelayMillis(long millis) { this.ratingDelayMillis = millis; }
    public void setRatingPolicy(RatingPolicy policy) { this.ratingPolicy = policy; }
    /** user_feedback webhooks sent so far (each tap, the second of a double one included). */
    public int feedbacksSent() { return feedbacksSent.get(); }

    /** A user_feedback event as Zalo sends it when the citizen rates (unsigned: {@link #sendWebhook} signs it). */
    public String feedbackEvent(String phone84, String msgId, String trackingId, int rate, List<String> reasons, String note) {
        long now = System.currentTimeMillis();
        ObjectNode e = JSON.createObjectNode();
        e.put("app_id", appId).put("event_name", "user_feedback").put("timestamp", Long.toString(now));
        e.putObject("sender").put("id", userIdOf(phone84));
        e.putObject("recipient").put("id", "oa-sim");
        ObjectNode m = e.putObject("message");
        m.put("msg_id", msgId).put("tracking_id", trackingId).put("rate", rate);
        if (note != null) m.put("note", note);
        reasons.forEach(m.putArray("feedbacks")::add);
        m.put("submit_time", Long.toString(now));
        return e.toString();
    }

    private void scheduleRating(String phone, String msgId, String trackingId) {
        RatingChoice choice = ratingPolicy.choose(phone, trackingId);
        if (choice == null || webhookUrl == null) return;
        for (int i = 0; i < choice.times(); i++) {
            // the second tap comes a little later (the citizen taps again, or Zalo delivers again): same msg_id
            ratingTimer.schedule(() -> CompletableFutureHolder.run(() -> {
                if (sendWebhook(feedbackEvent(phone, msgId, trackingId, choice.stars(), choice.reasons(), choice.note()), true) > 0) {
                    feedbacksSent.incrementAndGet();
                }
            }), ratingDelayMillis + i * Math.max(50, ratingDelayMillis / 2), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    public ZaloSimulator() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/message/template", this::zns);
        server.createContext("/v4/oa/access_token", this::token);
        server.createContext("/v3.0/oa/message/cs", this::oaMessage);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A refresh token as the OA admin would copy it from the Zalo console: good for one refresh. */
    public String issueRefreshToken() {
        String t = "rt-" + UUID.randomUUID();
        validRefresh.add(t);
        return t;
    }

    public void setWebhookUrl(String url) { this.webhookUrl = url; }
    public void setSendReceipts(boolean send) { this.sendReceipts = send; }
    /** Every access token issued so far expires now (Zalo then answers -216). */
    public void expireAccessTokens() { accessTokens.replaceAll((k, v) -> 0L); }
    public void failNextSends(int count, int code) { failCode = code; failNext.set(count); }
    /** Zalo's API unreachable for sends: HTTP 503, nothing received. */
    public void setDown(boolean down) { this.down = down; }
    public int refreshes() { return refreshes.get(); }
    public int refusedRefreshes() { return refusedRefreshes.get(); }
    public List<JsonNode> znsReceived() {
        synchronized (znsReceived) {
            return List.copyOf(znsReceived);
        }
    }
    private static String stableUserId(String phone84) {
        return "u" + Math.abs((long) phone84.hashCode() * 7919L);
    }

    /** ZNS requests received (also when they are not retained). */
    public long znsCount() { return znsCount.get(); }
    /** false: count requests without keeping them (long benchmark runs, where keeping them looks like a leak). */
    public void setRetainRequests(boolean retain) { this.retainRequests = retain; }
    public List<JsonNode> oaMessages() { return List.copyOf(oaMessages); }

    /** The Zalo user id (by app) of a phone's account: stable per phone. */
    public String userIdOf(String phone84) {
        return retainRequests ? userIds.computeIfAbsent(phone84, ZaloSimulator::stableUserId) : stableUserId(phone84);
    }

    private void zns(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        if (down) {
            ex.sendResponseHeaders(503, -1);
            ex.close();
            return;
        }
        String token = ex.getRequestHeaders().getFirst("access_token");
        Long expires = token == null ? null : accessTokens.get(token);
        if (expires == null) { reply(ex, error(-124, "Access token is invalid")); return; }
        if (expires < System.currentTimeMillis()) { reply(ex, error(-216, "Access token has expired")); return; }
        znsCount.incrementAndGet();
        if (retainRequests) znsReceived.add(body);
        String phone = body.path("phone").asText();
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) { reply(ex, error(failCode, "Injected fault")); return; }
        if (!PHONE_84.matcher(phone).matches()) { reply(ex, error(-108, "Phone number is invalid")); return; }
        if (phone.endsWith("118")) { reply(ex, error(-118, "Zalo account not existed")); return; }
        if (phone.endsWith("114")) { reply(ex, error(-114, "User is inactive, reject message or using old Zalo version")); return; }
        if (phone.endsWith("144")) { reply(ex, error(-144, "OA has exceeded the daily quota")); return; }
        if (phone.endsWith("108")) { reply(ex, error(-108, "Phone number is invalid")); return; }
        String msgId = UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis();
        ObjectNode ok = JSON.createObjectNode().put("error", 0).put("message", "Success");
        ObjectNode data = ok.putObject("data");
        data.put("msg_id", msgId).put("sent_time", Long.toString(now)).put("sending_mode", "1");
        data.putObject("quota").put("dailyQuota", "5000").put("remainingQuota", Long.toString(Math.max(0, 5000 - znsCount.get())));
        reply(ex, ok);
        if (ratingTemplateId != null && ratingTemplateId.equals(body.path("template_id").asText())) {
            scheduleRating(phone, msgId, body.path("tracking_id").asText());
        }
        if (sendReceipts && webhookUrl != null) {
            ObjectNode receipt = JSON.createObjectNode();
            receipt.put("app_id", appId).put("event_name", "user_received_message").put("timestamp", Long.toString(now + 1));
            receipt.putObject("sender").put("id", "oa-sim");
            receipt.putObject("recipient").put("id", userIdOf(phone));
            receipt.putObject("message").put("msg_id", msgId).put("delivery_time", Long.toString(now + 1));
            CompletableFutureHolder.run(() -> sendWebhook(receipt.toString(), true));
        }
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int i = kv.indexOf('=');
            if (i > 0) form.put(kv.substring(0, i), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
        }
        if (!appSecret.equals(ex.getRequestHeaders().getFirst("secret_key")) || !appId.equals(form.get("app_id"))) {
            reply(ex, JSON.createObjectNode().put("error", -14014).put("error_name", "Invalid app secret"));
            return;
        }
        // a refresh token works once: the second use is refused like Zalo does
        if (!validRefresh.remove(form.getOrDefault("refresh_token", ""))) {
            refusedRefreshes.incrementAndGet();
            reply(ex, JSON.createObjectNode().put("error", -14020).put("error_name", "Invalid refresh token")
                    .put("error_description", "Refresh token has been used or expired"));
            return;
        }
        refreshes.incrementAndGet();
        String access = "at-" + UUID.randomUUID();
        accessTokens.put(access, System.currentTimeMillis() + accessTtlSeconds * 1000);
        reply(ex, JSON.createObjectNode().put("access_token", access).put("refresh_token", issueRefreshToken())
                .put("expires_in", Long.toString(accessTtlSeconds)));
    }

    private void oaMessage(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        Long expires = accessTokens.get(String.valueOf(ex.getRequestHeaders().getFirst("access_token")));
        if (expires == null || expires < System.currentTimeMillis()) { reply(ex, error(-216, "Access token has expired")); return; }
        oaMessages.add(body);
        ObjectNode ok = JSON.createObjectNode().put("error", 0).put("message", "Success");
        ok.putObject("data").put("message_id", UUID.randomUUID().toString()).put("user_id", body.path("recipient").path("user_id").asText());
        reply(ex, ok);
    }

    /** Posts a webhook event to the hub, signed (or, for forgery tests, with a wrong signature); returns the HTTP status. */
    public int sendWebhook(String body, boolean signCorrectly) {
        try {
            JsonNode e = JSON.readTree(body);
            String sig = ZaloWebhookServlet.sign(e.path("app_id").asText(), body, e.path("timestamp").asText(),
                    signCorrectly ? oaSecret : "forged");
            HttpPost post = new HttpPost(webhookUrl);
            post.setHeader("X-ZEvent-Signature", "mac=" + sig);
            post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8)));
            return client.execute(post, r -> {
                EntityUtils.consume(r.getEntity());
                return r.getCode();
            });
        } catch (Exception ex) {
            return -1;
        }
    }

    /** The citizen (user id) writes a text to the OA. */
    public String userSendsText(String userId, String text) {
        ObjectNode e = JSON.createObjectNode();
        long now = System.currentTimeMillis();
        e.put("app_id", appId).put("event_name", "user_send_text").put("timestamp", Long.toString(now));
        e.putObject("sender").put("id", userId);
        e.putObject("recipient").put("id", "oa-sim");
        e.putObject("message").put("text", text).put("msg_id", "m" + UUID.randomUUID().toString().replace("-", ""));
        return e.toString();
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error", code).put("message", message);
    }

    private static void reply(HttpExchange ex, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ratingTimer.shutdownNow();
        WEBHOOKS.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            // closing
        }
    }

    /**
     * Webhooks go out after the ZNS answer, from their own threads, as Zalo's would. A fixed pool: on a 2-core
     * machine CompletableFuture.runAsync would start a new thread for every webhook. Sixteen senders, as a partner
     * sends many at once: with four, each waiting for the hub's answer, a sustained benchmark's flat-out rounds left
     * 80,000 receipts queued here, to be worked in the phases after them.
     */
    private static final java.util.concurrent.ThreadPoolExecutor WEBHOOKS = (java.util.concurrent.ThreadPoolExecutor)
            java.util.concurrent.Executors.newFixedThreadPool(WEBHOOK_SENDERS, r -> {
                Thread t = new Thread(r, "zalo-simulator-webhooks");
                t.setDaemon(true);
                return t;
            });

    /** Webhooks queued or being sent (a benchmark waits for them before measuring a quieter phase). */
    public static int webhooksPending() {
        return WEBHOOKS.getQueue().size() + WEBHOOKS.getActiveCount();
    }

    private static final class CompletableFutureHolder {
        static void run(Runnable r) {
            WEBHOOKS.execute(r);
        }
    }
}
