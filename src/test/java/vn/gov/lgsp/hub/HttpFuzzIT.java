package vn.gov.lgsp.hub;

import static org.assertj.core.api.Assertions.assertThat;
import vn.gov.lgsp.hub.infra.TestTokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.connector.vnpost.VnpostPushController;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;

/**
 * Thousands of generated requests, over real HTTP, against the intake and every operator and partner callback
 * endpoint: empty, oversized, wrong types and content types, long and unicode strings, deep nesting, bad path
 * variables and query parameters, unknown paths, wrong methods, and random mutations of valid dossier events.
 * Not one may get a 5xx; every error is problem+json with a detail and without a stack trace or SQL, except where
 * a partner's documented wire format has its own shape (VietinBank's signed reply with its errorCode, always HTTP
 * 200; Zalo's {"error": n} on its webhook), which is asserted instead. Deterministic: a fixed seed.
 */
@HubIntegrationTest
class HttpFuzzIT {
    private static final long SEED = 20261129L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=UTF-8", "text/plain",
            "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/problem+json",
            "garbage/\u0000", "application/json; charset=latin-9000", null};
    private static final String[] STRINGS = {"", " ", "null", "0", "-1", "99999999999999999999", "1e309", "true", "{}", "[]",
            "'; DROP TABLE inbound_event; --", "<script>alert(1)</script>", "../../etc/passwd", "\u0000", "\uFEFF",
            "Nguyễn Văn Ánh", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀", "\u202Eevil", "%s%n%x", "${jndi:ldap://x}", "000.00.21.H45-261123-0001",
            "2026-11-29T10:00:00+07:00", "2026-13-45T99:99:99+07:00", "0912345678", "022190123456"};

    @LocalServerPort int port;
    @Value("${hub.partners.vnpost.push.hmac-secret}") String vnpostSecret;

    private final Random random = new Random(SEED);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> failures = new ArrayList<>();
    private int sent;

    @Test
    void noInputGetsA5xxAndEveryErrorIsAProblemWithADetail() throws Exception {
        long started = System.nanoTime();
        DossierEventFactory events = new DossierEventFactory(SEED);

        // the intake: mutations of valid events, random JSON, empty and oversized bodies, every content type; the
        // inputs are generated in order (deterministic), sent by 8 clients at once (each accept is a database and
        // a broker transaction: one client at a time would take minutes on this machine)
        List<java.util.concurrent.Callable<Exchange>> intake = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            ObjectNode valid = validEvent(events, i);
            String body = switch (i % 10) {
                case 0 -> valid.toString();                         // valid (202) or a repeat of one (202 DUPLICATE)
                case 1 -> randomJson(0).toString();
                case 2 -> STRINGS[random.nextInt(STRINGS.length)];
                case 3 -> deepNesting(random.nextInt(3000));
                default -> mutate(valid).toString();
            };
            String type = i % 7 == 0 ? CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)] : "application/json";
            intake.add(() -> post("/api/v1/dossier-events", type, body));
        }
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (var answer : clients.invokeAll(intake)) check(answer.get(), Shape.PROBLEM);
        } finally {
            clients.shutdownNow();
        }
        for (int i = 0; i < 3; i++) {
            // 10 MB, the body that used to end in a 500; and larger than the drain limit once
            check(post("/api/v1/dossier-events", "application/json", "{\"eventId\":\"" + "x".repeat(10_000_000 * (i + 1)) + "\"}"), Shape.PROBLEM);
        }

        // operator endpoints: bad path variables and query parameters
        for (int i = 0; i < 120; i++) {
            check(get("/api/v1/dossiers/" + pathVar() + "/timeline"), Shape.PROBLEM);
            check(get("/api/v1/rejected-messages?dossier=" + param() + "&limit=" + param()), Shape.PROBLEM);
            check(get("/api/v1/dead-letters?partner=" + param() + "&dossier=" + param() + "&status=" + param() + "&limit=" + param()), Shape.PROBLEM);
            check(send("POST", "/api/v1/dead-letters/" + pathVar() + "/replay", null, "", "X-Operator", operator()), Shape.PROBLEM);
            check(get("/api/v1/portal/sync-status?dossier=" + param()), Shape.PROBLEM);
            check(send("POST", "/api/v1/portal/resync/" + pathVar(), null, "", "X-Operator", operator()), Shape.PROBLEM);
            check(get("/api/v1/payments/reconciliation/" + pathVar()), Shape.PROBLEM);
            if (i % 15 == 0) check(send("POST", "/api/v1/payments/reconciliation/" + pathVar(), null, ""), Shape.PROBLEM);
        }
        check(get("/api/v1/audit/verify"), Shape.PROBLEM);

        // partner callbacks, signed and not
        for (int i = 0; i < 200; i++) {
            String body = i % 3 == 0 ? randomJson(0).toString() : i % 3 == 1 ? mutate(vnpostPush()).toString()
                    : STRINGS[random.nextInt(STRINGS.length)];
            String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
            String signature = "sha256=" + VnpostPushController.sign(vnpostSecret, timestamp, body.getBytes(StandardCharsets.UTF_8));
            check(i % 2 == 0 ? send("POST", VnpostPushController.PATH, "application/json", body,
                            VnpostPushController.TIMESTAMP, timestamp, VnpostPushController.SIGNATURE, signature)
                    : send("POST", VnpostPushController.PATH, CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)], body), Shape.PROBLEM);
            check(send("POST", "/api/v1/partners/vietinbank/notifications", CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)], body),
                    Shape.VIETINBANK);
            check(send("POST", "/api/v1/partners/zalo/webhook", "application/json", body, "X-ZEvent-Signature", param()), Shape.ZALO);
            check(get("/api/v1/partners/sms/dlr?SMSID=" + param() + "&SendStatus=" + param() + "&telcoid=" + param()
                    + (i % 2 == 0 ? "&key=sim-dlr-key" : "&key=" + param())), Shape.PROBLEM);
        }

        // unknown paths, wrong methods, Tomcat's own refusals
        String[] paths = {"/api/v1/dossier-events", "/api/v1/rejected-messages", "/api/v1/dead-letters", "/api/v1/audit/verify",
                "/api/v1/portal/sync-status", "/api/v1/partners/zalo/webhook", "/api/v1/partners/sms/dlr", VnpostPushController.PATH,
                "/api/v1/partners/vietinbank/notifications", "/api/v1/payments/reconciliation/2026-11-29"};
        for (String path : paths) {
            for (String method : new String[] {"GET", "PUT", "DELETE", "PATCH", "POST"}) {
                check(send(method, path, "application/json", "{}"), path.contains("vietinbank") && method.equals("POST") ? Shape.VIETINBANK
                        : path.contains("zalo") && method.equals("POST") ? Shape.ZALO : Shape.PROBLEM);
            }
        }
        for (int i = 0; i < 100; i++) {
            check(get("/" + pathVar() + "/" + pathVar()), Shape.PROBLEM);
            check(get("/api/v1/" + pathVar()), Shape.PROBLEM);
        }
        for (String raw : new String[] {"/api/v1/dossiers/a%2Fb/timeline", "/api/v1/dossiers/%00/timeline", "/api/v1/dossiers/a%5Cb/timeline",
                "/api/v1/dossiers/%25/timeline", "/api/v1/dossiers/..%2F..%2F/timeline", "/api/v1/dossiers/" + "x".repeat(20_000) + "/timeline",
                "/error", "/api/v1/dossiers//timeline", "/api/v1/dossiers/;jsessionid=x/timeline"}) {
            check(get(raw), Shape.PROBLEM);
        }

        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertThat(failures).as(sent + " requests in " + seconds + " s; failures (first 30): "
                + String.join("\n", failures.subList(0, Math.min(30, failures.size())))).isEmpty();
        assertThat(sent).isGreaterThan(2000);
    }

    private enum Shape { PROBLEM, VIETINBANK, ZALO }

    private record Exchange(String method, String path, String type, String body, HttpResponse<String> response, String error) {}

    private void check(Exchange x, Shape shape) {
        if (x == null) return;
        sent++;
        String what = x.method() + " " + abbreviate(x.path(), 120) + " [" + x.type() + "] " + abbreviate(x.body(), 120);
        if (x.response() == null) {
            failures.add(what + " -> no answer: " + x.error());
            return;
        }
        int status = x.response().statusCode();
        String body = x.response().body();
        String contentType = x.response().headers().firstValue("Content-Type").orElse("");
        if (status >= 500) {
            failures.add(what + " -> " + status + " " + abbreviate(body, 300));
            return;
        }
        if (status >= 400 && body != null && (body.contains("Exception") || body.contains("\tat ") || body.contains("SQL") || body.contains("<html"))) {
            failures.add(what + " -> " + status + " leaks internals: " + abbreviate(body, 300));
            return;
        }
        if (shape == Shape.VIETINBANK && status != 413 && status != 405) {
            // the bank's protocol: HTTP 200 and a reply carrying errorCode, whatever it sent
            JsonNode reply = parse(body);
            if (status != 200 || reply == null || !reply.hasNonNull("errorCode")) failures.add(what + " -> not a VietinBank reply: " + status + " " + abbreviate(body, 300));
            return;
        }
        if (shape == Shape.ZALO && status != 413 && status != 405) {
            JsonNode reply = parse(body);
            if (reply == null || !reply.has("error") || (status >= 400) != (reply.path("error").asInt() != 0)) {
                failures.add(what + " -> not a Zalo answer: " + status + " " + abbreviate(body, 300));
            }
            return;
        }
        if (status < 400) return;
        JsonNode problem = parse(body);
        if (!contentType.startsWith("application/problem+json") || problem == null || problem.path("detail").asText().isBlank()
                || problem.path("status").asInt() != status) {
            failures.add(what + " -> " + status + " not a problem with a detail: [" + contentType + "] " + abbreviate(body, 300));
        }
        if (status == 503 && x.response().headers().firstValue("Retry-After").isEmpty()) failures.add(what + " -> 503 without Retry-After");
    }

    private ObjectNode validEvent(DossierEventFactory factory, int i) {
        ObjectNode dossier = factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(1));
        List<ObjectNode> lifecycle = factory.lifecycle(dossier);
        ObjectNode e = lifecycle.get(random.nextInt(lifecycle.size()));
        // a repeat now and then: the same eventId is answered DUPLICATE, never an error
        e.put("eventId", "fuzz-" + SEED + "-" + (i % 50 == 49 ? i - 10 : i));
        return e;
    }

    private ObjectNode vnpostPush() {
        ObjectNode push = JSON.createObjectNode();
        ArrayNode data = push.putArray("data");
        ObjectNode r = data.addObject();
        r.put("itemCode", "EP" + random.nextInt(1_000_000) + "VN");
        r.put("saleOrderCode", "LGSP-" + random.nextInt(1000));
        r.putArray("statusHistory").addObject().put("status", 100 + random.nextInt(80)).put("statusName", "Đã phát").put("time", "2026-11-29 10:00:00");
        return push;
    }

    /** One to three random changes anywhere in the tree: removed, replaced, renamed, nested, grown. */
    private JsonNode mutate(ObjectNode original) {
        JsonNode tree = original.deepCopy();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            List<ContainerNode<?>> containers = new ArrayList<>();
            collect(tree, containers);
            ContainerNode<?> c = containers.get(random.nextInt(containers.size()));
            if (c instanceof ObjectNode o && o.size() > 0) {
                List<String> names = new ArrayList<>();
                o.fieldNames().forEachRemaining(names::add);
                String name = names.get(random.nextInt(names.size()));
                switch (random.nextInt(4)) {
                    case 0 -> o.remove(name);
                    case 1 -> o.set(name + randomString(), o.get(name));
                    default -> o.set(name, randomJson(2));
                }
            } else if (c instanceof ArrayNode a) {
                if (a.size() > 0 && random.nextBoolean()) a.set(random.nextInt(a.size()), randomJson(2));
                else a.add(randomJson(2));
            }
        }
        return tree;
    }

    private static void collect(JsonNode node, List<ContainerNode<?>> out) {
        if (node instanceof ContainerNode<?> c) {
            out.add(c);
            node.elements().forEachRemaining(child -> collect(child, out));
        }
    }

    private JsonNode randomJson(int depth) {
        int kind = random.nextInt(depth > 3 ? 6 : 8);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(300)));
            case 4, 5 -> NODES.textNode(randomString());
            case 6 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) a.add(randomJson(depth + 1));
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) o.set(randomString(), randomJson(depth + 1));
                yield o;
            }
        };
    }

    private String randomString() {
        return switch (random.nextInt(5)) {
            case 0 -> STRINGS[random.nextInt(STRINGS.length)];
            case 1 -> "x".repeat(random.nextInt(5000));       // longer than every column
            case 2 -> "Đ".repeat(30 + random.nextInt(100));   // multi-byte, just over column sizes
            case 3 -> {
                StringBuilder b = new StringBuilder();
                for (int i = random.nextInt(80); i > 0; i--) b.appendCodePoint(random.nextInt(0x2FFFF));
                yield b.toString().replaceAll("[\\uD800-\\uDFFF]", "?");
            }
            default -> Integer.toString(random.nextInt());
        };
    }

    private static String deepNesting(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private String pathVar() {
        return URLEncoder.encode(randomString(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String param() {
        return random.nextInt(4) == 0 ? "" : URLEncoder.encode(randomString(), StandardCharsets.UTF_8);
    }

    private String operator() {
        String s = randomString().replaceAll("[^\\x20-\\x7E]", "");
        return s.isEmpty() ? "op" : s;
    }

    private Exchange get(String path) {
        return send("GET", path, null, null);
    }

    private Exchange post(String path, String type, String body) {
        return send("POST", path, type, body);
    }

    private Exchange send(String method, String path, String type, String body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
            if (type != null) b.header("Content-Type", type.replace("\u0000", ""));
            // every caller proves who it is: the one-stop system's token for the intake, an admin's for the rest
            // (partner callbacks ignore it and check their own credentials)
            b.header("Authorization", "Bearer " + (path.startsWith("/api/v1/dossier-events") ? TestTokens.onestop() : TestTokens.admin()));
            for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
            Supplier<HttpRequest.BodyPublisher> publisher = () -> body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body);
            b.method(method, publisher.get());
            return new Exchange(method, path, type, body, client.send(b.build(), HttpResponse.BodyHandlers.ofString()), null);
        } catch (IllegalArgumentException e) {
            // a header or URI the client itself refuses to send is no test of the hub
            return null;
        } catch (Exception e) {
            return new Exchange(method, path, type, body, null, e.toString());
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isEmpty() ? null : JSON.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static String abbreviate(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
    }
}
