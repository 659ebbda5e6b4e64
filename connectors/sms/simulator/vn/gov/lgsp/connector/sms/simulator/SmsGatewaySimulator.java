package vn.gov.lgsp.connector.sms.simulator;

import jakarta.jws.WebService;
import java.io.IOException;
import java.net.ServerSocket;
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

/**
 * Plays the SOAP SMS brandname gateway on loopback (CXF on Jetty, same WSDL as the client).
 * Result codes: 100 accepted; 124 for a RequestId already accepted (nothing sent again); by phone (84...) pattern:
 * ending 099 -> 99 (number blocked), 108 -> 108 (bad phone); injected: {@link #failNext(int...)}.
 * After a 100 it calls the CallbackUrl back with a delivery report (SendStatus 5, sent).
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

    public SmsGatewaySimulator() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        address = "http://127.0.0.1:" + port + "/sms-gateway";
        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setServiceClass(SmsGatewayPortType.class);
        factory.setAddress(address);
        factory.setServiceBean(new Gateway());
        server = factory.create();
    }

    public String address() { return address; }
    public List<Received> received() { return List.copyOf(received); }
    /** SMS the gateway really accepted for sending (code 100). */
    public List<Received> sent() { return received.stream().filter(r -> r.code() == 100).toList(); }
    public void failNext(int... codes) { for (int c : codes) injected.add(c); }
    public void setSendReports(boolean send) { this.sendReports = send; }

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
            else if (accepted.containsKey(req.getRequestId())) code = 124;
            else if (!req.getPhone().matches("84\\d{9}") || req.getPhone().endsWith("108")) code = 108;
            else if (req.getPhone().endsWith("099")) code = 99;
            else code = 100;
            if (code == 100) {
                smsId = UUID.randomUUID().toString();
                accepted.put(req.getRequestId(), smsId);
            }
            received.add(new Received(req.getBrandname(), req.getPhone(), req.getContent(), req.getIsUnicode(), req.getRequestId(), code, smsId));
            r.setCodeResult(code);
            r.setSmsId(smsId);
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
        reports.shutdownNow();
    }
}
