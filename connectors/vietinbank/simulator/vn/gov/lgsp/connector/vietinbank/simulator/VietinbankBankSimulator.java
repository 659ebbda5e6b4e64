package vn.gov.lgsp.connector.vietinbank.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import vn.gov.lgsp.connector.vietinbank.VietinbankNotification;
import vn.gov.lgsp.connector.vietinbank.VietinbankReply;
import vn.gov.lgsp.connector.vietinbank.VietinbankSignatures;

/**
 * Plays VietinBank: a citizen "pays" a payment code, the bank signs the balance-change notification (IPN) with
 * its own RSA key (generated here, never stored) and POSTs it to the hub, retrying as the bank does when the hub
 * answers slowly, fails, or says "99". Misbehaviour is injectable: duplicates, lost notifications (the payment
 * is only in the statement), out-of-order delivery (by the caller), forged signatures, wrong amounts, a reply
 * lost after the hub committed. It also serves the daily statement the hub reconciles against:
 * {@code GET /statements/{yyyy-MM-dd}} (JSON, headers x-ibm-client-id / x-ibm-client-secret required).
 */
public class VietinbankBankSimulator implements AutoCloseable {
    public static final ZoneId VN = ZoneId.of("Asia/Ho_Chi_Minh");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.time.format.DateTimeFormatter TRANS_TIME = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private final KeyPair bankKeys = rsa();
    private final PublicKey hubPublicKey;
    private final String account;
    private final String providerId;
    private final String clientId;
    private final String clientSecret;
    private final Supplier<String> hubUrl;
    private final HttpServer server;
    private final ExecutorService serverThreads = Executors.newFixedThreadPool(2);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<LocalDate, List<ObjectNode>> statements = new ConcurrentHashMap<>();
    /** Replies served instead of the statement of a date: a broken statement service. */
    private final Map<LocalDate, String> statementReplies = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);

    /** How the bank retries: per-attempt reply timeout, attempts, pause between attempts. */
    public record RetryPolicy(Duration replyTimeout, int maxAttempts, Duration pause) {
        public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(30), 5, Duration.ofMillis(200));
    }

    /** One POST: the reply (null on timeout / transport error) and whether its signature verified. */
    public record Attempt(int httpStatus, VietinbankReply reply, boolean signatureValid, String error) {}

    /** All attempts of one notification; {@link #finalReply()} is what the bank acted on. */
    public record Delivery(VietinbankNotification notification, List<Attempt> attempts) {
        public VietinbankReply finalReply() {
            for (int i = attempts.size() - 1; i >= 0; i--) if (attempts.get(i).reply() != null) return attempts.get(i).reply();
            return null;
        }

        public String finalCode() {
            VietinbankReply r = finalReply();
            return r == null ? null : r.errorCode();
        }

        public boolean allRepliesSigned() {
            return attempts.stream().filter(a -> a.reply() != null).allMatch(Attempt::signatureValid);
        }
    }

    public VietinbankBankSimulator(String account, String providerId, String clientId, String clientSecret,
                                   Supplier<String> hubUrl, PublicKey hubPublicKey) {
        this.account = account;
        this.providerId = providerId;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.hubUrl = hubUrl;
        this.hubPublicKey = hubPublicKey;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.createContext("/statements/", this::statement);
        server.setExecutor(serverThreads);
        server.start();
    }

    public String bankPublicKeyPem() {
        return VietinbankSignatures.toPem("PUBLIC KEY", bankKeys.getPublic().getEncoded());
    }

    public String statementUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/statements";
    }

    // ---- the citizen pays ------------------------------------------------------------------------------

    /** A real transaction: booked in today's statement, its IPN signed by the bank but not yet sent. */
    public VietinbankNotification book(String custCode, long amount) {
        long n = sequence.incrementAndGet();
        String transId = "VTB" + n;
        String transTime = LocalDateTime.now(VN).format(TRANS_TIME);
        VietinbankNotification ipn = new VietinbankNotification("MSG" + n, providerId, transId, transTime, "C", custCode,
                "970436", "0011001234567", "NGUYEN VAN AN", account, "UBND TINH", null, null,
                Long.toString(amount), "FT" + n, "Thanh toan " + custCode, "VND", null);
        ipn = sign(ipn);
        ObjectNode line = JSON.createObjectNode().put("transId", transId).put("transTime", transTime).put("custCode", custCode)
                .put("amount", Long.toString(amount)).put("bankTransId", ipn.bankTransId());
        statements.computeIfAbsent(LocalDate.now(VN), d -> new CopyOnWriteArrayList<>()).add(line);
        return ipn;
    }

    /** Pays and notifies the hub (with the bank's retries). */
    public Delivery pay(String custCode, long amount) {
        return notify(book(custCode, amount), RetryPolicy.DEFAULT);
    }

    /** Pays, but the notification is lost: the payment only appears in the statement. */
    public VietinbankNotification payWithLostNotification(String custCode, long amount) {
        return book(custCode, amount);
    }

    /** An IPN that never came from the bank: signed with some other key; not in any statement. */
    public VietinbankNotification forged(String custCode, long amount) {
        long n = sequence.incrementAndGet();
        VietinbankNotification ipn = new VietinbankNotification("MSG" + n, providerId, "VTB" + n,
                LocalDateTime.now(VN).format(TRANS_TIME), "C", custCode, "970436", "0011001234567", "NGUYEN VAN AN",
                account, "UBND TINH", null, null, Long.toString(amount), "FT" + n, "Thanh toan " + custCode, "VND", null);
        return ipn.withSignature(VietinbankSignatures.sign(VietinbankSignatures.ipnSigningString(ipn), rsa().getPrivate()));
    }

    /** A genuine IPN tampered with in transit: the amount changed, the bank's signature kept. */
    public static VietinbankNotification tampered(VietinbankNotification ipn, long newAmount) {
        return ipn.withAmount(Long.toString(newAmount));
    }

    /** A line booked in today's statement as given (no IPN): a statement line the hub may not be able to use. */
    public void bookStatementLine(ObjectNode line) {
        statements.computeIfAbsent(LocalDate.now(VN), d -> new CopyOnWriteArrayList<>()).add(line);
    }

    /** The statement service answers this body (HTTP 200) for the date instead of its statement; null: the statement again. */
    public void answerStatementWith(LocalDate date, String body) {
        if (body == null) statementReplies.remove(date);
        else statementReplies.put(date, body);
    }

    public VietinbankNotification sign(VietinbankNotification ipn) {
        return ipn.withSignature(VietinbankSignatures.sign(VietinbankSignatures.ipnSigningString(ipn), bankKeys.getPrivate()));
    }

    // ---- notifying the hub -------------------------------------------------------------------------------

    /** POSTs the IPN, retrying on no reply, HTTP errors and "99", as the bank does. */
    public Delivery notify(VietinbankNotification ipn, RetryPolicy policy) {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < policy.maxAttempts(); i++) {
            if (i > 0) pause(policy.pause());
            Attempt a = post(ipn, policy.replyTimeout());
            attempts.add(a);
            if (a.reply() != null && !"99".equals(a.reply().errorCode())) break;
        }
        return new Delivery(ipn, Collections.unmodifiableList(attempts));
    }

    public Delivery notify(VietinbankNotification ipn) {
        return notify(ipn, RetryPolicy.DEFAULT);
    }

    /**
     * The hub commits and answers, but the answer never reaches the bank (the hub died before replying, or the
     * connection broke): the bank sees no reply and retries the same IPN.
     */
    public Delivery notifyLosingFirstReply(VietinbankNotification ipn) {
        Attempt first = post(ipn, RetryPolicy.DEFAULT.replyTimeout());
        List<Attempt> attempts = new ArrayList<>();
        attempts.add(new Attempt(0, null, false, "reply lost (hub had answered " + (first.reply() == null ? "nothing" : first.reply().errorCode()) + ")"));
        attempts.addAll(notify(ipn, RetryPolicy.DEFAULT).attempts());
        return new Delivery(ipn, Collections.unmodifiableList(attempts));
    }

    private Attempt post(VietinbankNotification ipn, Duration timeout) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(hubUrl.get())).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(ipn))).build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            // a 503 carries the hub's signed "99" too: read it, and retry either way
            if (resp.statusCode() != 200 && resp.statusCode() != 503) return new Attempt(resp.statusCode(), null, false, "HTTP " + resp.statusCode());
            VietinbankReply reply;
            try {
                reply = JSON.readValue(resp.body(), VietinbankReply.class);
            } catch (IOException notAReply) {
                return new Attempt(resp.statusCode(), null, false, "HTTP " + resp.statusCode());
            }
            return new Attempt(resp.statusCode(), reply, verifyReply(reply), null);
        } catch (java.net.http.HttpTimeoutException e) {
            return new Attempt(0, null, false, "timeout");
        } catch (IOException e) {
            return new Attempt(0, null, false, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(0, null, false, "interrupted");
        }
    }

    public boolean verifyReply(VietinbankReply r) {
        return VietinbankSignatures.verify(VietinbankSignatures.replySigningString(r.transId(), r.errorCode(), r.errorDesc()),
                r.signature(), hubPublicKey);
    }

    // ---- the statement -----------------------------------------------------------------------------------

    private void statement(HttpExchange ex) throws IOException {
        try (ex) {
            if (!clientId.equals(ex.getRequestHeaders().getFirst("x-ibm-client-id"))
                    || !clientSecret.equals(ex.getRequestHeaders().getFirst("x-ibm-client-secret"))) {
                send(ex, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            String path = ex.getRequestURI().getPath();
            LocalDate date;
            try {
                date = LocalDate.parse(path.substring(path.lastIndexOf('/') + 1));
            } catch (RuntimeException e) {
                send(ex, 400, "{\"error\":\"date must be yyyy-MM-dd\"}");
                return;
            }
            String broken = statementReplies.get(date);
            if (broken != null) {
                send(ex, 200, broken);
                return;
            }
            ObjectNode doc = JSON.createObjectNode().put("accountId", account).put("date", date.toString());
            ArrayNode tx = doc.putArray("transactions");
            statements.getOrDefault(date, List.of()).forEach(tx::add);
            send(ex, 200, JSON.writeValueAsString(doc));
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // the bank's own retry interval, not a test wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        serverThreads.shutdownNow();
    }
}
