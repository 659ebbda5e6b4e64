package vn.gov.lgsp.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lean ceiling's own webhook for Zalo's delivery receipts ({@code bench/run.sh --sustained}): what the hub does
 * for a receipt, in the least physical work for the same visible outcome. The signature is checked as Zalo signs it
 * (SHA-256 of app id, body, timestamp and OA secret), the receipt becomes one row (with its digest) committed in a
 * group commit shared by the receipts in flight, and only then is Zalo answered 200. Before it, the ceiling's ZNS
 * brought no receipts at all while each of the hub's brought one: the ceiling was spared a message per event that
 * the hub was not (bench/PROFILING.md, the nineteenth look). No hub code: the ceiling is hand-written.
 */
final class CeilingReceipts implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] ACCEPTED = "{\"error\":0,\"message\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FORGED = "{\"error\":-1,\"message\":\"invalid signature\"}".getBytes(StandardCharsets.UTF_8);

    /** A receipt's row and whoever waits for its commit. */
    private record Pending(String[] row, CompletableFuture<Void> committed) {}

    private final Ceiling ceiling;
    private final String appId;
    private final String oaSecret;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(16, r -> daemon(r, "ceiling-receipts-http"));
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final java.sql.Connection db;
    private final Thread writer;
    private volatile boolean running = true;

    CeilingReceipts(Ceiling ceiling, String jdbcUrl, String appId, String oaSecret) throws Exception {
        this.ceiling = ceiling;
        this.appId = appId;
        this.oaSecret = oaSecret;
        this.db = DriverManager.getConnection(jdbcUrl);
        db.setAutoCommit(false);
        this.writer = daemon(this::writeLoop, "ceiling-receipts-writer");
        writer.start();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/zalo/webhook", this::receive);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/zalo/webhook";
    }

    private void receive(HttpExchange ex) throws IOException {
        try (ex) { // closed after the answer, whichever it is
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode event = parse(body);
            String given = ex.getRequestHeaders().getFirst("X-ZEvent-Signature");
            if (event == null || given == null || !signed(event, body, given.startsWith("mac=") ? given.substring(4) : given)) {
                answer(ex, 401, FORGED); // as the hub answers a body it cannot verify: refused, not retried
                return;
            }
            Pending p = new Pending(new String[] {event.path("message").path("msg_id").asText(), "RECEIPT", body},
                    new CompletableFuture<>());
            queue.add(p);
            try {
                p.committed().get(30, TimeUnit.SECONDS); // durable before Zalo hears it was taken, as the hub answers
            } catch (Exception e) {
                // not taken (its commit failed or took too long): Zalo sends it again
                answer(ex, 503, ("{\"error\":-1,\"message\":\"not taken: " + e.getClass().getSimpleName() + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            answer(ex, 200, ACCEPTED);
        }
    }

    /** The event, or null when the body is not a JSON object. */
    private static JsonNode parse(String body) {
        try {
            JsonNode event = JSON.readTree(body);
            return event != null && event.isObject() ? event : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private boolean signed(JsonNode event, String body, String given) {
        if (!appId.equals(event.path("app_id").asText())) return false;
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException everyJvmHasIt) {
            throw new IllegalStateException(everyJvmHasIt);
        }
        byte[] expected = HexFormat.of().formatHex(sha.digest((appId + body + event.path("timestamp").asText() + oaSecret)
                .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII));
    }

    private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    /** One transaction for every receipt waiting: the group commit the hub's audit writer does. */
    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, 999);
                ceiling.insertRows(db, batch.stream().map(Pending::row).toList());
                batch.forEach(p -> p.committed().complete(null));
            } catch (Exception e) {
                batch.forEach(p -> p.committed().completeExceptionally(e));
                try {
                    db.rollback();
                } catch (Exception ignored) {
                    // the connection is gone: the next batch fails the same way and says so
                }
            } finally {
                batch.clear();
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws Exception {
        server.stop(0);
        handlers.shutdownNow();
        running = false;
        writer.join(5_000);
        db.close();
    }
}
