package vn.gov.lgsp.connector.vnpost.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MyVNPost look-alike on loopback HTTP, speaking the wire format of ../shared/partners/vnpost.md:
 * GetAccessToken (tokens expire), CreateOrder (validated, with VNPost-style error bodies), getOrder by
 * saleOrderCode, GetStatusHistoryOrder (orders move through realistic status sequences as time passes, at a
 * configurable speed), orderCancel. Like the real service it does NOT deduplicate saleOrderCode: keeping to one
 * order per dossier is the hub's job, and the tests check it here.
 *
 * <p>Faults, switchable at run time: a 5xx rate, added latency, hanging past the client's timeout, 401s on the
 * next calls, addresses it rejects, "accept then fail" (the order is created but the answer is an error: the
 * caller cannot know it succeeded), a getOrder that ignores its filter or answers 404 for unknown codes, and going
 * down entirely (the port is closed: connection refused).
 */
public class VnpostSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VnpostSimulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneOffset VN = ZoneOffset.ofHours(7);
    /** Phones as partners document them (partners: identifiers): 0 + 9 digits. */
    private static final Pattern PHONE = Pattern.compile("0\\d{9}");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /** Normal life of an order; COD orders end with 21 (cash remitted to the sender). */
    public static final List<Integer> NORMAL = List.of(1, 2, 4, 6, 7, 10, 11, 12, 14);
    /** The receiver was never home: delivery fails and the parcel goes back. */
    public static final List<Integer> RETURNED = List.of(1, 2, 4, 6, 7, 10, 11, 12, 15, 16, 18, 19);
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "Tạo đơn thành công"), Map.entry(2, "Đã giao bưu tá"), Map.entry(3, "Đang xử lý"),
            Map.entry(4, "Đang lấy hàng"), Map.entry(5, "Lấy hàng không thành công"), Map.entry(6, "Đã lấy hàng"),
            Map.entry(7, "Đã nhận tại bưu cục"), Map.entry(9, "Hủy thu gom"), Map.entry(10, "Đang vận chuyển"),
            Map.entry(11, "Đến bưu cục phát"), Map.entry(12, "Đang phát"), Map.entry(14, "Phát thành công"),
            Map.entry(15, "Phát không thành công"), Map.entry(16, "Chờ chuyển hoàn"), Map.entry(18, "Đang chuyển hoàn"),
            Map.entry(19, "Hoàn tất"), Map.entry(21, "Đã trả tiền COD"), Map.entry(22, "Hủy phát"));

    /** Run-time switches; tests reset them with {@link #reset()}. */
    public static final class Faults {
        /** Share of business calls answered 503 (0..1). */
        public volatile double failureRate;
        /** Added to every answer. */
        public volatile long latencyMillis;
        /** Business calls sleep this long before answering (set above the client's read timeout). */
        public volatile long hangMillis;
        /** The next N business calls are answered 401 whatever the token. */
        public final AtomicInteger unauthorizedNext = new AtomicInteger();
        /** The next N CreateOrder calls create the order and then answer 500. */
        public final AtomicInteger acceptThenFailNext = new AtomicInteger();
        /** Receiver/sender addresses containing one of these (case-insensitive) are refused as invalid. */
        public final Set<String> rejectedAddressWords = ConcurrentHashMap.newKeySet();
        /** getOrder ignores saleOrderCode and answers every order, newest first (a list endpoint's behaviour). */
        public volatile boolean getOrderIgnoresFilter;
        /** getOrder answers 404 NOT_FOUND for a saleOrderCode it holds no order under (instead of an empty list). */
        public volatile boolean getOrderUnknownAs404;
    }

    /** An order as the simulator holds it. */
    public static final class Order {
        public final String orderHdrId = UUID.randomUUID().toString();
        public final String originalId;
        public final String itemCode;
        public final String saleOrderCode;
        public final JsonNode request;
        public final long createdAtMillis;
        public final List<Integer> sequence;
        public final long totalFee;
        /** Fixed at creation, so changing the speed affects new orders only. */
        final long stepMillis;
        volatile long cancelledAtMillis = -1;
        volatile int cancelCode;

        Order(String itemCode, String saleOrderCode, JsonNode request, List<Integer> sequence, long totalFee, long originalSeq,
              long stepMillis) {
            this.stepMillis = Math.max(1, stepMillis);
            this.itemCode = itemCode;
            this.saleOrderCode = saleOrderCode;
            this.request = request;
            this.createdAtMillis = System.currentTimeMillis();
            this.sequence = sequence;
            this.totalFee = totalFee;
            this.originalId = String.valueOf(originalSeq);
        }
    }

    private final String username;
    private final String password;
    private final Faults faults = new Faults();
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final List<Order> orders = new CopyOnWriteArrayList<>();
    private final List<JsonNode> createOrderBodies = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicLong itemSeq = new AtomicLong(100_000_000L + ThreadLocalRandom.current().nextInt(800_000_000));
    private volatile long tokenTtlMillis = 3_600_000;
    private volatile long statusStepMillis = 2_000;
    private volatile HttpServer server;
    private volatile int port;
    private ExecutorService executor;

    public VnpostSimulator(String username, String password) {
        this.username = username;
        this.password = password;
    }

    public synchronized VnpostSimulator start(int wantedPort) {
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vnpost-simulator");
            t.setDaemon(true);
            return t;
        });
        bind(wantedPort);
        log.info("VNPost simulator listening on {}", baseUrl());
        return this;
    }

    private void bind(int wantedPort) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wantedPort), 100);
            s.createContext("/", this::handle);
            s.setExecutor(executor);
            s.start();
            server = s;
            port = s.getAddress().getPort();
        } catch (IOException e) {
            throw new IllegalStateException("VNPost simulator cannot listen on " + wantedPort, e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/MYVNP_API";
    }

    public int port() {
        return port;
    }

    /** Closes the port: callers get "connection refused" until {@link #comeUp()}. */
    public synchronized void goDown() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public synchronized void comeUp() {
        if (server == null) bind(port);
    }

    public Faults faults() {
        return faults;
    }

    /** How long each status lasts, for orders created from now on. */
    public void setStatusStepMillis(long millis) {
        this.statusStepMillis = millis;
    }

    public long statusStepMillis() {
        return statusStepMillis;
    }

    public void setTokenTtlMillis(long millis) {
        this.tokenTtlMillis = millis;
    }

    /** Every token issued so far stops working (as after a VNPost key rotation). */
    public void expireAllTokens() {
        tokens.clear();
    }

    /** Clears the faults (orders and recorded calls are kept). */
    public synchronized void reset() {
        faults.failureRate = 0;
        faults.latencyMillis = 0;
        faults.hangMillis = 0;
        faults.unauthorizedNext.set(0);
        faults.acceptThenFailNext.set(0);
        faults.rejectedAddressWords.clear();
        faults.getOrderIgnoresFilter = false;
        faults.getOrderUnknownAs404 = false;
        comeUp();
    }

    public List<Order> orders() {
        return List.copyOf(orders);
    }

    public List<Order> ordersWithSaleOrderCode(String saleOrderCode) {
        return orders.stream().filter(o -> o.saleOrderCode.equals(saleOrderCode)).toList();
    }

    /** The CreateOrder bodies received, as sent (accepted or not). */
    public List<JsonNode> createOrderBodies() {
        return List.copyOf(createOrderBodies);
    }

    public int calls(String endpoint) {
        AtomicInteger n = calls.get(endpoint.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    @Override
    public synchronized void close() {
        goDown();
        if (executor != null) executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String endpoint = path.substring(path.lastIndexOf('/') + 1);
            calls.computeIfAbsent(endpoint.toLowerCase(Locale.ROOT), k -> new AtomicInteger()).incrementAndGet();
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (faults.latencyMillis > 0) Thread.sleep(faults.latencyMillis);
            if (endpoint.equalsIgnoreCase("GetAccessToken")) {
                token(ex, raw);
                return;
            }
            if (faults.hangMillis > 0) Thread.sleep(faults.hangMillis);
            if (!authorised(ex)) {
                error(ex, 401, "Unauthorized", "Token không hợp lệ hoặc đã hết hạn", path);
                return;
            }
            if (faults.failureRate > 0 && ThreadLocalRandom.current().nextDouble() < faults.failureRate) {
                error(ex, 503, "Service Unavailable", "Hệ thống đang bận, vui lòng thử lại sau", path);
                return;
            }
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            switch (endpoint.toLowerCase(Locale.ROOT)) {
                case "createorder" -> createOrder(ex, raw, path);
                case "getorder" -> getOrder(ex, query, path);
                case "getstatushistoryorder" -> statusHistory(ex, query);
                case "ordercancel" -> cancel(ex, raw, path);
                default -> error(ex, 404, "Not Found", "Không tìm thấy " + path, path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("VNPost simulator failed on {}: {}", ex.getRequestURI().getPath(), e.toString());
            try {
                error(ex, 500, "Internal Server Error", e.getMessage(), ex.getRequestURI().getPath());
            } catch (IOException ignored) {
                // the client has gone
            }
        }
    }

    private void token(HttpExchange ex, byte[] raw) throws IOException {
        JsonNode body = JSON.readTree(raw.length == 0 ? "{}".getBytes() : raw);
        if (!username.equals(body.path("username").asText()) || !password.equals(body.path("password").asText())) {
            error(ex, 401, "Unauthorized", "Sai tên đăng nhập hoặc mật khẩu", "/GetAccessToken");
            return;
        }
        String token = UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, System.currentTimeMillis() + tokenTtlMillis);
        ObjectNode out = JSON.createObjectNode().put("token", token).put("expiresIn", Math.max(1, tokenTtlMillis / 1000));
        send(ex, 200, out);
    }

    private boolean authorised(HttpExchange ex) {
        if (faults.unauthorizedNext.get() > 0 && faults.unauthorizedNext.getAndDecrement() > 0) return false;
        String token = ex.getRequestHeaders().getFirst("token");
        Long expires = token == null ? null : tokens.get(token);
        return expires != null && expires > System.currentTimeMillis();
    }

    private void createOrder(HttpExchange ex, byte[] raw, String path) throws IOException {
        JsonNode body = JSON.readTree(raw);
        createOrderBodies.add(body);
        List<String> problems = validate(body);
        if (!problems.isEmpty()) {
            boolean address = problems.stream().anyMatch(p -> p.startsWith("ADDRESS"));
            error(ex, 400, address ? "INVALID_ADDRESS" : "VALIDATION_ERROR",
                    address ? "Địa chỉ không hợp lệ" : "Dữ liệu đơn hàng không hợp lệ", String.join("; ", problems), path);
            return;
        }
        JsonNode info = body.get("informationOrder");
        boolean cod = false;
        for (JsonNode a : info.path("addonService")) if ("GTG021".equals(a.path("code").asText())) cod = true;
        List<Integer> seq = new ArrayList<>(info.path("receiverAddress").asText().toUpperCase(Locale.ROOT).contains("VẮNG NHÀ") ? RETURNED : NORMAL);
        if (cod && seq.equals(NORMAL)) seq.add(21);
        long fee = 16_500 + Long.parseLong(info.path("weight").asText()) / 100 * 1_100;
        Order o = new Order("EL" + itemSeq.incrementAndGet() + "VN", info.path("saleOrderCode").asText(), body, List.copyOf(seq), fee,
                itemSeq.get() * 7, statusStepMillis);
        orders.add(o);
        if (faults.acceptThenFailNext.get() > 0 && faults.acceptThenFailNext.getAndDecrement() > 0) {
            error(ex, 500, "Internal Server Error", "Gateway timeout", path);
            return;
        }
        send(ex, 200, orderJson(o));
    }

    /** What a careful reading of the wire format demands; problems are returned, not thrown. */
    private List<String> validate(JsonNode body) {
        List<String> p = new ArrayList<>();
        if (!body.path("orderCreationStatus").isInt()) p.add("orderCreationStatus must be a number");
        for (String f : new String[] {"type", "customerCode", "contractCode"}) {
            if (!body.path(f).isTextual() || body.path(f).asText().isBlank()) p.add(f + " is required");
        }
        JsonNode info = body.path("informationOrder");
        if (!info.isObject()) {
            p.add("informationOrder is required");
            return p;
        }
        for (String f : new String[] {"senderName", "senderPhone", "senderAddress", "senderProvinceCode", "senderDistrictCode",
                "senderCommuneCode", "receiverName", "receiverPhone", "receiverAddress", "receiverProvinceCode",
                "receiverDistrictCode", "receiverCommuneCode", "serviceCode", "saleOrderCode", "weight", "deliveryTime",
                "deliveryRequire"}) {
            if (!info.path(f).isTextual() || info.path(f).asText().isBlank()) p.add("informationOrder." + f + " is required (string)");
        }
        for (String f : new String[] {"senderPhone", "receiverPhone"}) {
            if (info.path(f).isTextual() && !PHONE.matcher(info.path(f).asText()).matches()) p.add(f + " is not a phone number");
        }
        if (info.path("weight").isTextual() && !DIGITS.matcher(info.path("weight").asText()).matches()) p.add("weight must be grams as digits");
        for (String f : new String[] {"senderDistrictCode", "receiverDistrictCode"}) {
            String v = info.path(f).asText("");
            if (!v.equals("VNPOST") && !DIGITS.matcher(v).matches()) p.add(f + " must be a district code or VNPOST");
        }
        if (!"N".equals(info.path("deliveryTime").asText()) && !"S".equals(info.path("deliveryTime").asText())
                && !"C".equals(info.path("deliveryTime").asText())) p.add("deliveryTime must be N, S or C");
        for (JsonNode a : info.path("addonService")) {
            if ("GTG021".equals(a.path("code").asText()) && !a.path("propValue").asText().matches("PROP0018:\\d+")) {
                p.add("GTG021 needs propValue PROP0018:<amount>");
            }
        }
        for (String f : new String[] {"senderAddress", "receiverAddress"}) {
            String v = info.path(f).asText("").toUpperCase(Locale.ROOT);
            for (String word : faults.rejectedAddressWords) {
                if (v.contains(word.toUpperCase(Locale.ROOT))) p.add("ADDRESS " + f + " không xác định được (" + word + ")");
            }
        }
        return p;
    }

    private void getOrder(HttpExchange ex, Map<String, String> query, String path) throws IOException {
        String code = query.get("saleOrderCode");
        ArrayNode data = JSON.createArrayNode();
        boolean held = orders.stream().anyMatch(o -> o.saleOrderCode.equals(code));
        if (!held && faults.getOrderUnknownAs404) {
            error(ex, 404, "NOT_FOUND", "Không tìm thấy đơn hàng " + code, path);
            return;
        }
        if (faults.getOrderIgnoresFilter) {
            for (int i = orders.size() - 1; i >= 0; i--) data.add(orderJson(orders.get(i)));
        } else {
            for (Order o : orders) if (o.saleOrderCode.equals(code)) data.add(orderJson(o));
        }
        send(ex, 200, JSON.createObjectNode().set("data", data));
    }

    private void statusHistory(HttpExchange ex, Map<String, String> query) throws IOException {
        String code = query.get("code");
        ArrayNode data = JSON.createArrayNode();
        for (Order o : orders) {
            if (o.itemCode.equals(code) || o.saleOrderCode.equals(code) || o.orderHdrId.equals(code)) data.add(tracking(o));
        }
        send(ex, 200, JSON.createObjectNode().set("data", data));
    }

    private void cancel(HttpExchange ex, byte[] raw, String path) throws IOException {
        JsonNode body = JSON.readTree(raw);
        String id = body.has("OriginalId") ? body.path("OriginalId").asText() : body.path("originalId").asText();
        Order o = orders.stream().filter(x -> x.originalId.equals(id) || x.itemCode.equals(id)).findFirst().orElse(null);
        if (o == null) {
            error(ex, 404, "NOT_FOUND", "Không tìm thấy đơn hàng " + id, path);
            return;
        }
        int current = currentStatus(o);
        if (o.cancelledAtMillis >= 0) {
            send(ex, 200, orderJson(o)); // cancelling twice is harmless
            return;
        }
        if (current >= 6) {
            error(ex, 400, "CANNOT_CANCEL", "Đơn hàng đã được lấy, không thể hủy", path);
            return;
        }
        o.cancelCode = 9;
        o.cancelledAtMillis = System.currentTimeMillis();
        send(ex, 200, orderJson(o));
    }

    private ObjectNode orderJson(Order o) {
        return JSON.createObjectNode().put("orderHdrID", o.orderHdrId).put("originalID", o.originalId)
                .put("itemCode", o.itemCode).put("saleOrderCode", o.saleOrderCode).put("status", currentStatus(o))
                .put("totalFee", o.totalFee);
    }

    /** Statuses reached so far: one step of the order's sequence every statusStepMillis. */
    private List<int[]> reached(Order o) {
        long now = System.currentTimeMillis();
        long until = o.cancelledAtMillis >= 0 ? Math.min(now, o.cancelledAtMillis) : now;
        List<int[]> out = new ArrayList<>();
        long step = o.stepMillis;
        for (int i = 0; i < o.sequence.size(); i++) {
            long at = o.createdAtMillis + i * step;
            if (at > until) break;
            out.add(new int[] {o.sequence.get(i), i});
        }
        if (o.cancelledAtMillis >= 0) out.add(new int[] {o.cancelCode, -1});
        return out;
    }

    private int currentStatus(Order o) {
        List<int[]> r = reached(o);
        return r.isEmpty() ? 1 : r.get(r.size() - 1)[0];
    }

    private ObjectNode tracking(Order o) {
        ObjectNode n = JSON.createObjectNode().put("itemCode", o.itemCode).put("saleOrderCode", o.saleOrderCode)
                .put("orderHdrID", o.orderHdrId);
        ArrayNode h = n.putArray("statusHistory");
        DateTimeFormatter date = DateTimeFormatter.ofPattern("dd/MM/yyyy");
        DateTimeFormatter hour = DateTimeFormatter.ofPattern("HH:mm:ss");
        long step = o.stepMillis;
        for (int[] s : reached(o)) {
            long at = s[1] < 0 ? o.cancelledAtMillis : o.createdAtMillis + s[1] * step;
            OffsetDateTime t = Instant.ofEpochMilli(at).atOffset(VN);
            h.addObject().put("statusCode", s[0]).put("statusName", NAMES.getOrDefault(s[0], "Trạng thái " + s[0]))
                    .put("createdDate", t.format(date)).put("createHour", t.format(hour));
        }
        return n;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void error(HttpExchange ex, int status, String error, String message, String path) throws IOException {
        error(ex, status, error, message, message, path);
    }

    /** VNPost's error body: {status, timestamp, error, message, description, path}. */
    private static void error(HttpExchange ex, int status, String error, String message, String description, String path) throws IOException {
        send(ex, status, JSON.createObjectNode().put("status", status).put("timestamp", OffsetDateTime.now(VN).toString())
                .put("error", error).put("message", message).put("description", description).put("path", path));
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
