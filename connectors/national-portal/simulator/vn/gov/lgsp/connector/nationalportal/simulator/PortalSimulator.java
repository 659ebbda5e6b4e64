package vn.gov.lgsp.connector.nationalportal.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A National Public Service Portal adapter on loopback: session login (dstcode header), DongBoHoSoMC and
 * CapNhatTienDoHoSoMC with field-level checks, a store of what each dossier received, and the portal's rule
 * that a dossier's status never goes backwards: an update older than the one the portal holds, or any change
 * after a final status, is REJECTED (error_code 2) and counted, so ordering bugs show up in tests. An update
 * ({@code isUpdating: true}) of a dossier it does not hold is refused too, as a portal written from the spec may.
 * Faults: sessions can be expired at will (answered as {@link #answerExpiredSessionsWith} says: the spec documents no
 * expiry answer), the portal can be "down" (HTTP 503), latency can be added.
 */
public class PortalSimulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TIME = Pattern.compile("\\d{14}");
    private static final Pattern DOSSIER = Pattern.compile("(?:[0-9A-Z]{2,3}\\.){1,3}[0-9A-Z]{2,3}-(?:\\d{6}-\\d{4}|\\d{8}-\\d{7})");
    private static final Pattern PROCEDURE_CODE = Pattern.compile("\\d\\.\\d{6}");
    private static final Pattern LOCAL_PHONE = Pattern.compile("0\\d{9}");
    private static final Set<Integer> FINAL = Set.of(3, 7, 8, 10);

    /** What the portal holds for one dossier. */
    public static final class PortalDossier {
        public volatile int status;
        public volatile String updatedAt;
        /** NgayHenTra as last received: an appointment moved later needs a DanhSachHoSoBoSung entry (the apology). */
        public volatile String dueAt;
        /** DanhSachHoSoBoSung entries received (supplement requests and apology letters), in order. */
        public final List<JsonNode> supplements = Collections.synchronizedList(new ArrayList<>());
        public final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
        public final List<JsonNode> progress = Collections.synchronizedList(new ArrayList<>());
    }

    private final HttpServer server;
    private final String username;
    private final String password;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, PortalDossier> dossiers = new ConcurrentHashMap<>();
    public final AtomicInteger logins = new AtomicInteger();
    public final AtomicInteger backwardRejections = new AtomicInteger();
    public final AtomicInteger fieldRejections = new AtomicInteger();
    /** Updates (isUpdating: true) refused because the portal did not hold the dossier. */
    public final AtomicInteger unknownUpdateRejections = new AtomicInteger();
    public final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean down;
    private volatile int expiredHttpStatus = 200;
    private volatile int expiredErrorCode = 3;
    private volatile java.util.Set<String> failingDossiers = java.util.Set.of();
    private final AtomicLong latencyMillis = new AtomicLong();
    private volatile boolean retainRequests = true;
    /** Dossier and progress records accepted since the start, kept dossiers or not. */
    private final AtomicLong recordsAccepted = new AtomicLong();
    private static final int MAX_UNRETAINED = 10_000;
    /** Codes of the dossiers kept while not retaining, oldest first (guarded by itself: size() is O(1)). */
    private final java.util.ArrayDeque<String> unretained = new java.util.ArrayDeque<>();
    private final java.util.concurrent.ScheduledExecutorService answerLater = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "portal-simulator-delayed");
        t.setDaemon(true);
        return t;
    });

    public PortalSimulator(String username, String password) throws IOException {
        this.username = username;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.createContext("/adapter/login", delayed(this::login));
        server.createContext("/adapter/integration", delayed(this::integration));
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void setDown(boolean down) { this.down = down; }
    /** The portal fails every call about these dossiers (HTTP 500) while serving the others. */
    public void setFailingDossiers(java.util.Set<String> codes) { this.failingDossiers = java.util.Set.copyOf(codes); }
    public void setLatencyMillis(long ms) { latencyMillis.set(ms); }
    /**
     * false: count calls without keeping their bodies, and keep only the last 10,000 dossiers (long benchmark runs,
     * where keeping them all looks like a leak).
     */
    public void setRetainRequests(boolean retain) { this.retainRequests = retain; }
    /** Every session issued so far stops working (the portal restarted or timed them out). */
    public void expireSessions() { sessions.clear(); }
    /**
     * How a call with an expired or unknown session is answered: HTTP status and error_code (default 200 with
     * error_code 3, this simulator's own choice: the spec documents no expiry answer, so the hub must not depend on it).
     */
    public void answerExpiredSessionsWith(int httpStatus, int errorCode) {
        this.expiredHttpStatus = httpStatus;
        this.expiredErrorCode = errorCode;
    }
    public PortalDossier dossier(String code) { return dossiers.get(code); }
    public Map<String, PortalDossier> dossiers() { return dossiers; }
    public long recordsAccepted() { return recordsAccepted.get(); }

    private void login(HttpExchange ex) throws IOException {
        if (fault(ex)) return;
        JsonNode body = JSON.readTree(ex.getRequestBody());
        if (ex.getRequestHeaders().getFirst("dstcode") == null) {
            reply(ex, 200, answer(1, "Thiếu header dstcode"));
            return;
        }
        if (!username.equals(body.path("username").asText()) || !password.equals(body.path("password").asText())) {
            reply(ex, 200, answer(1, "Sai tên đăng nhập hoặc mật khẩu"));
            return;
        }
        String session = UUID.randomUUID().toString();
        sessions.add(session);
        logins.incrementAndGet();
        reply(ex, 200, answer(0, "OK").put("session", session));
    }

    private void integration(HttpExchange ex) throws IOException {
        if (fault(ex)) return;
        JsonNode body = JSON.readTree(ex.getRequestBody());
        if (!sessions.contains(body.path("session").asText())) {
            reply(ex, expiredHttpStatus, answer(expiredErrorCode, "Phiên làm việc không hợp lệ hoặc đã hết hạn"));
            return;
        }
        if (!body.hasNonNull("madonvi")) {
            reply(ex, 200, answer(2, "Thiếu madonvi"));
            return;
        }
        String service = body.path("service").asText();
        if (!failingDossiers.isEmpty()) {
            for (JsonNode hs : body.path("data")) {
                if (failingDossiers.contains(hs.path("MaHoSo").asText())) {
                    reply(ex, 500, answer(99, "Lỗi hệ thống"));
                    return;
                }
            }
        }
        ObjectNode result = switch (service) {
            case "DongBoHoSoMC" -> syncDossiers(body);
            case "CapNhatTienDoHoSoMC" -> progress(body);
            case "DanhGiaHaiLongMC" -> rating(body);
            default -> answer(2, "Dịch vụ không hỗ trợ: " + service);
        };
        reply(ex, 200, result);
    }

    private synchronized ObjectNode syncDossiers(JsonNode body) {
        for (JsonNode hs : body.path("data")) {
            String error = checkFields(hs);
            if (error != null) {
                fieldRejections.incrementAndGet();
                problems.add(hs.path("MaHoSo").asText() + ": " + error);
                return answer(2, error);
            }
            String code = hs.get("MaHoSo").asText();
            PortalDossier d = dossiers.get(code);
            // an update of a dossier the portal never got: refused, as a portal need not upsert (not checked when not
            // retaining: the dossier may be one this simulator dropped to stay small)
            if (d == null && body.path("isUpdating").asBoolean() && retainRequests) {
                unknownUpdateRejections.incrementAndGet();
                problems.add(code + ": isUpdating=true for a dossier the portal does not hold");
                return answer(2, "Hồ sơ chưa được đồng bộ, không thể cập nhật");
            }
            int status = hs.get("TrangThaiHoSo").asInt();
            String at = hs.get("NgayCapNhat").asText();
            if (d != null) {
                boolean older = at.compareTo(d.updatedAt) < 0;
                boolean afterFinal = FINAL.contains(d.status) && status != d.status;
                if (older || afterFinal) {
                    backwardRejections.incrementAndGet();
                    problems.add(code + ": backwards " + d.status + "@" + d.updatedAt + " -> " + status + "@" + at);
                    return answer(2, "Trạng thái hồ sơ không được quay lui");
                }
                // noted, not refused: the spec asks the apology of an overdue dossier, not that the portal refuse
                // every later appointment without one (the hub rightly skips events a newer one overtook, and the
                // apology's event may be among them)
                String apology = checkNewAppointment(d.dueAt, hs);
                if (apology != null) problems.add(code + ": " + apology);
            } else {
                d = new PortalDossier();
                dossiers.put(code, d);
                if (!retainRequests) {
                    // a long benchmark run: keep the last MAX_UNRETAINED dossiers only, so the simulator does not grow
                    synchronized (unretained) {
                        unretained.add(code);
                        while (unretained.size() > MAX_UNRETAINED) dossiers.remove(unretained.poll());
                    }
                }
            }
            d.status = status;
            d.updatedAt = at;
            d.dueAt = hs.path("NgayHenTra").asText(null);
            if (retainRequests) hs.path("DanhSachHoSoBoSung").forEach(d.supplements::add);
            recordsAccepted.incrementAndGet();
            if (retainRequests) d.received.add(hs);
        }
        return answer(0, "Đồng bộ thành công");
    }

    /** Citizens' ratings as the portal received them, by dossier code (the hub's proposed DanhGiaHaiLongMC: an upsert). */
    private final java.util.Map<String, JsonNode> ratings = new java.util.concurrent.ConcurrentHashMap<>();

    public java.util.Map<String, JsonNode> ratings() {
        return java.util.Map.copyOf(ratings);
    }

    /** DanhGiaHaiLongMC (the hub's proposal): MaHoSo of a dossier the portal has, DiemDanhGia 1..5, ThoiDiemDanhGia. */
    private ObjectNode rating(JsonNode body) {
        for (JsonNode r : body.path("data")) {
            for (String f : new String[] {"MaHoSo", "DiemDanhGia", "ThoiDiemDanhGia", "KenhDanhGia"}) {
                if (!r.hasNonNull(f) || r.get(f).asText().isBlank()) {
                    fieldRejections.incrementAndGet();
                    return answer(2, "Thiếu trường " + f);
                }
            }
            int stars = r.get("DiemDanhGia").asInt(0);
            if (stars < 1 || stars > 5) return answer(2, "DiemDanhGia phải từ 1 đến 5");
            if (!TIME.matcher(r.get("ThoiDiemDanhGia").asText()).matches()) return answer(2, "ThoiDiemDanhGia sai định dạng");
            if (!dossiers.containsKey(r.get("MaHoSo").asText())) return answer(2, "Hồ sơ chưa được đồng bộ");
            ratings.put(r.get("MaHoSo").asText(), r);
            recordsAccepted.incrementAndGet();
        }
        return answer(0, "Ghi nhận đánh giá thành công");
    }

    private ObjectNode progress(JsonNode body) {
        for (JsonNode p : body.path("data")) {
            for (String f : new String[] {"MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "PhongBanXuLy", "NoiDungXuLy", "TrangThai"}) {
                if (!p.hasNonNull(f) || p.get(f).asText().isBlank()) {
                    fieldRejections.incrementAndGet();
                    return answer(2, "Thiếu trường " + f);
                }
            }
            if (!TIME.matcher(p.get("ThoiDiemXuLy").asText()).matches()) return answer(2, "ThoiDiemXuLy sai định dạng");
            PortalDossier d = dossiers.get(p.get("MaHoSo").asText());
            if (d == null) return answer(2, "Hồ sơ chưa được đồng bộ");
            recordsAccepted.incrementAndGet();
            if (retainRequests) d.progress.add(p);
        }
        return answer(0, "Cập nhật tiến độ thành công");
    }

    /** Field-level checks of a DongBoHoSoMC record; null when it passes. */
    public static String checkFields(JsonNode hs) {
        if (!DOSSIER.matcher(hs.path("MaHoSo").asText()).matches()) return "MaHoSo không hợp lệ";
        if (!PROCEDURE_CODE.matcher(hs.path("MaTTHC").asText()).matches()) return "MaTTHC không hợp lệ";
        if (hs.path("ChuHoSo").asText().isBlank()) return "Thiếu ChuHoSo";
        if (!LOCAL_PHONE.matcher(hs.path("SoDienThoai").asText()).matches()) return "SoDienThoai không hợp lệ";
        for (String f : new String[] {"NgayTiepNhan", "NgayCapNhat"}) {
            if (!TIME.matcher(hs.path(f).asText()).matches()) return f + " phải có dạng yyyyMMddHHmmss";
        }
        for (String f : new String[] {"NgayHenTra", "NgayTra"}) {
            if (hs.hasNonNull(f) && !TIME.matcher(hs.get(f).asText()).matches()) return f + " phải có dạng yyyyMMddHHmmss";
        }
        int status = hs.path("TrangThaiHoSo").asInt(0);
        if (status < 1 || status > 10) return "TrangThaiHoSo phải từ 1 đến 10";
        int hinhThuc = hs.path("HinhThuc").asInt(-1);
        if (hinhThuc != 0 && hinhThuc != 1) return "HinhThuc phải là 0 hoặc 1";
        if (hs.path("DonViXuLy").asText().isBlank()) return "Thiếu DonViXuLy";
        for (JsonNode fee : hs.path("DanhSachLePhi")) {
            if (!fee.path("Gia").isIntegralNumber() || fee.path("TenPhiLePhi").asText().isBlank()) return "DanhSachLePhi không hợp lệ";
        }
        for (JsonNode bs : hs.path("DanhSachHoSoBoSung")) {
            if (!TIME.matcher(bs.path("NgayHenTraTruoc").asText()).matches() || !TIME.matcher(bs.path("NgayHenTraMoi").asText()).matches()) {
                return "DanhSachHoSoBoSung thiếu NgayHenTraTruoc/NgayHenTraMoi";
            }
        }
        return null;
    }

    /**
     * The spec's rule for a late dossier: a new appointment date comes with an apology letter whose old and new dates
     * travel in the supplement list. An update moving NgayHenTra later than the portal holds must carry a
     * DanhSachHoSoBoSung entry with NgayHenTraTruoc = the date held and NgayHenTraMoi = the new one; null when it does.
     */
    public static String checkNewAppointment(String held, JsonNode hs) {
        String due = hs.path("NgayHenTra").asText(null);
        if (held == null || due == null || due.compareTo(held) <= 0) return null;
        for (JsonNode bs : hs.path("DanhSachHoSoBoSung")) {
            if (held.equals(bs.path("NgayHenTraTruoc").asText()) && due.equals(bs.path("NgayHenTraMoi").asText())) return null;
        }
        return "NgayHenTra " + held + " -> " + due + " không có DanhSachHoSoBoSung {NgayHenTraTruoc, NgayHenTraMoi}";
    }

    /**
     * Simulated network and portal processing time: the answer is written that much later, without holding a
     * server thread meanwhile, so a slow portal still serves many callers at once (as the real one does).
     */
    private com.sun.net.httpserver.HttpHandler delayed(com.sun.net.httpserver.HttpHandler handler) {
        return ex -> {
            long latency = latencyMillis.get();
            if (latency <= 0) {
                handler.handle(ex);
                return;
            }
            answerLater.schedule(() -> {
                try {
                    handler.handle(ex);
                } catch (Exception e) {
                    ex.close();
                }
            }, latency, java.util.concurrent.TimeUnit.MILLISECONDS);
        };
    }

    private boolean fault(HttpExchange ex) throws IOException {
        if (down) {
            ex.getRequestBody().readAllBytes();
            reply(ex, 503, answer(-1, "Service Unavailable"));
            return true;
        }
        return false;
    }

    private static ObjectNode answer(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        answerLater.shutdownNow();
    }

    /** Counts and problem lines as one string, for assertion messages. */
    public String report() {
        return "dossiers=" + dossiers.size() + " logins=" + logins + " backwardRejections=" + backwardRejections
                + " fieldRejections=" + fieldRejections + " unknownUpdateRejections=" + unknownUpdateRejections + " problems=" + problems.stream().limit(10).toList();
    }

}
