package vn.gov.lgsp.connector.sms.simulator;

import jakarta.jws.WebService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import vn.gov.lgsp.connector.sms.wsdl.SendSms;
import vn.gov.lgsp.connector.sms.wsdl.SendSmsResponse;
import vn.gov.lgsp.connector.sms.wsdl.SmsGatewayPortType;
import vn.gov.lgsp.hub.infra.LoopbackSoapServices;

/**
 * Plays the SOAP SMS brandname gateway on loopback (CXF on Jetty, same WSDL as the client).
 * Result codes: 100 accepted; 124 for a RequestId already accepted (nothing sent again); by phone (84...) pattern:
 * ending 099 -> 99 (number blocked), 108 -> 108 (bad phone); injected: {@link #failNext(int...)}.
 * After a 100 it calls the CallbackUrl back with a delivery report (SendStatus 5, sent).
 *
 * <p>Rating links: when an accepted SMS holds a link to the hub's rating page ({@code .../rate/<token>}), the
 * {@link PagePolicy} decides whether its recipient opens it: after {@link #setRatingDelayMillis} the simulated
 * phone GETs the page from the hub ({@link #setHubBaseUrl}: the link's host is the province's public address, which
 * reaches the same hub) and POSTs the form like a browser; a share of them submits twice (the second is refused
 * with 409). Every visit is kept ({@link #pageVisits()}).
 */
public class SmsGatewaySimulator implements AutoCloseable {
    /** One SMS as the gateway accepted it. */
    public record Received(String brandname, String phone, String content, int isUnicode, String requestId, int code, String smsId) {}

    private final Server server;
    private final String address;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, String> accepted = new ConcurrentHashMap<>();   // RequestId -> SMSID
    private final ConcurrentLinkedQueue<Integer> injected = new ConcurrentLinkedQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();
    /** Delivery reports go out from a fixed pool (runAsync would start a thread per report on 2 cores). */
    private final java.util.concurrent.ExecutorService reports = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "sms-simulator-dlr");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean sendReports = true;
    private volatile String apiKey, secretKey;

    /** What the recipient of a rating link does: stars 1..5, reasons from the page's list, a comment; times 1 or 2. */
    public record PageChoice(int stars, List<String> reasons, String comment, int times) {}

    /** Decides for each rating link (phone 84..., token) what its recipient does; null: never opens it. */
    @FunctionalInterface
    public interface PagePolicy {
        PageChoice choose(String phone84, String token);
    }

    /** One visit of the rating page: the statuses of the GET and of each POST of the form. */
    public record PageVisit(String phone, String token, int getStatus, List<Integer> postStatuses) {}

    private static final java.util.regex.Pattern RATING_LINK = java.util.regex.Pattern.compile("https?://\\S+?(/rate/[A-Za-z0-9]{22})");
    private volatile String hubBaseUrl;
    private volatile long ratingDelayMillis = 30_000;
    private volatile PagePolicy pagePolicy = randomVisits(0.5, 0.1, new java.util.Random());
    private final List<PageVisit> pageVisits = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService pageTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sms-simulator-rating-page");
        t.setDaemon(true);
        return t;
    });

    /** A share of recipients open the link and rate (mostly 4-5 stars), a share of those submit twice. */
    public static PagePolicy randomVisits(double openShare, double twiceShare, java.util.Random random) {
        return (phone, token) -> {
            synchronized (random) {
                if (random.nextDouble() >= openShare) return null;
                int stars = new int[] {5, 5, 4, 4, 4, 3, 2, 1}[random.nextInt(8)];
                List<String> reasons = stars >= 4 ? List.of("Trả kết quả đúng hẹn") : stars <= 2 ? List.of("Trả kết quả trễ hẹn") : List.of();
                return new PageChoice(stars, reasons, stars <= 2 ? "Phải đi lại nhiều lần" : null, random.nextDouble() < twiceShare ? 2 : 1);
            }
        };
    }

    public void setHubBaseUrl(String url) { this.hubBaseUrl = url; }
    public void setRatingDelayMillis(long millis) { this.ratingDelayMillis = millis; }
    public void setPagePolicy(PagePolicy policy) { this.pagePolicy = policy; }
    public List<PageVisit> pageVisits() { return List.copyOf(pageVisits); }

    private void maybeRate(String phone, String content) {
        java.util.regex.Matcher m = RATING_LINK.matcher(content == null ? "" : content);
        if (!m.find() || hubBaseUrl == null) return;
        String path = m.group(1);
        String token = path.substring(path.lastIndexOf('/') + 1);
        PageChoice choice = pagePolicy.choose(phone, token);
        if (choice == null) return;
        pageTimer.schedule(() -> reports.execute(() -> visit(phone, token, path, choice)), ratingDelayMillis,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Opens the page and submits the form as a browser would (application/x-www-form-urlencoded, UTF-8). */
    private void visit(String phone, String token, String path, PageChoice choice) {
        int get = -1;
        List<Integer> posts = new java.util.ArrayList<>();
        try {
            get = http.send(HttpRequest.newBuilder(URI.create(hubBaseUrl + path)).header("Accept", "text/html").GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            StringBuilder form = new StringBuilder("stars=").append(choice.stars());
            for (String r : choice.reasons()) form.append("&reasons=").append(java.net.URLEncoder.encode(r, java.nio.charset.StandardCharsets.UTF_8));
            if (choice.comment() != null) form.append("&comment=").append(java.net.URLEncoder.encode(choice.comment(), java.nio.charset.StandardCharsets.UTF_8));
            for (int i = 0; i < choice.times(); i++) {
                posts.add(http.send(HttpRequest.newBuilder(URI.create(hubBaseUrl + path)).header("Accept", "text/html")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            }
        } catch (Exception e) {
            posts.add(-1);
        }
        pageVisits.add(new PageVisit(phone, token, get, List.copyOf(posts)));
    }

    public SmsGatewaySimulator() throws IOException {
        JaxWsServerFactoryBean factory = LoopbackSoapServices.onFreePort("/sms-gateway", SmsGatewayPortType.class, new Gateway());
        address = factory.getAddress();
        server = factory.create();
    }

    public String address() { return address; }
    public List<Received> received() { return List.copyOf(received); }
    /** SMS the gateway really accepted for sending (code 100). */
    public List<Received> sent() { return received.stream().filter(r -> r.code() == 100).toList(); }
    public void failNext(int... codes) { for (int c : codes) injected.add(c); }
    public void setSendReports(boolean send) { this.sendReports = send; }
    /** The account the gateway knows: a request with other keys is answered 101 (bad key), as the real one does. */
    public void requireKeys(String apiKey, String secretKey) {
        this.secretKey = secretKey;
        this.apiKey = apiKey;
    }

    @WebService(endpointInterface = "vn.gov.lgsp.connector.sms.wsdl.SmsGatewayPortType", serviceName = "SmsGatewayService",
            portName = "SmsGatewayPort", targetNamespace = "urn:lgsp:sms:gateway:v1")
    public class Gateway implements SmsGatewayPortType {
        @Override
        public SendSmsResponse sendSms(SendSms req) {
            SendSmsResponse r = new SendSmsResponse();
            Integer fault = injected.poll();
            int code;
            String smsId = null;
            if (fault != null) code = fault;
            else if (apiKey != null && (!apiKey.equals(req.getApiKey()) || !secretKey.equals(req.getSecretKey()))) code = 101;
            else if (accepted.containsKey(req.getRequestId())) code = 124;
            else if (!req.getPhone().matches("84\\d{9}") || req.getPhone().endsWith("108")) code = 108;
            else if (req.getPhone().endsWith("099")) code = 99;
            else code = 100;
            if (code == 100) {
                smsId = UUID.randomUUID().toString();
                accepted.put(req.getRequestId(), smsId);
            }
            received.add(new Received(req.getBrandname(), req.getPhone(), req.getContent(), req.getIsUnicode(), req.getRequestId(), code, smsId));
            if (code == 100) maybeRate(req.getPhone(), req.getContent());
            r.setCodeResult(code);
            r.setSMSID(smsId);
            r.setErrorMessage(code == 100 ? null : "code " + code);
            if (code == 100 && sendReports && req.getCallbackUrl() != null && !req.getCallbackUrl().isBlank()) {
                String url = req.getCallbackUrl() + (req.getCallbackUrl().contains("?") ? "&" : "?")
                        + "SMSID=" + smsId + "&SendStatus=5&SendSuccess=1&TypeId=2&telcoid=1";
                reports.execute(() -> {
                    try {
                        http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    } catch (Exception ignored) {
                        // a real gateway retries; the simulator lets the test see the missing report
                    }
                });
            }
            return r;
        }
    }

    @Override
    public void close() {
        server.destroy();
        pageTimer.shutdownNow();
        reports.shutdownNow();
    }
}
