package vn.gov.lgsp.connector.tax.simulator;

import jakarta.jws.WebService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import vn.gov.lgsp.connector.tax.EdXml;
import vn.gov.lgsp.connector.tax.edxml.EdXML;
import vn.gov.lgsp.connector.tax.edxml.Organization;
import vn.gov.lgsp.connector.tax.wsdl.DeclarationState;
import vn.gov.lgsp.connector.tax.wsdl.DeliverTaxAnswer;
import vn.gov.lgsp.connector.tax.wsdl.DeliverTaxAnswerResponse;
import vn.gov.lgsp.connector.tax.wsdl.GetDeclarationState;
import vn.gov.lgsp.connector.tax.wsdl.GetDeclarationStateResponse;
import vn.gov.lgsp.connector.tax.wsdl.Notice;
import vn.gov.lgsp.connector.tax.wsdl.Rejection;
import vn.gov.lgsp.connector.tax.wsdl.SubmitDeclaration;
import vn.gov.lgsp.connector.tax.wsdl.SubmitDeclarationResponse;
import vn.gov.lgsp.connector.tax.wsdl.TaxCallbackPortType;
import vn.gov.lgsp.connector.tax.wsdl.TaxFault;
import vn.gov.lgsp.connector.tax.wsdl.TaxFault_Exception;
import vn.gov.lgsp.connector.tax.wsdl.TaxOfficePortType;
import vn.gov.lgsp.hub.infra.CallCounts;
import vn.gov.lgsp.hub.infra.HeldCalls;
import vn.gov.lgsp.hub.infra.LoopbackSoapServices;
import vn.gov.lgsp.hub.infra.SimulatedChances;
import vn.gov.lgsp.hub.soap.UsernameToken;

/**
 * Plays the tax office on loopback (CXF on Jetty, connectors/tax/contract/tax.wsdl, schema validation on, the hub's
 * UsernameToken and edXML signature checked) and calls the hub back with its answers, as the real office would:
 * <ul>
 *   <li>a declaration is answered after a random delay in [minDelay, maxDelay]: a notice (personal income tax 2% and
 *       registration fee 0.5% of the declared value, integer VND, due in 30 days), or a rejection when the declared
 *       value is below {@link #REJECT_BELOW} (below the province's land price table);</li>
 *   <li>failure modes: a share of callbacks sent twice ({@link #setDuplicateShare}), a share sent BEFORE the reply to
 *       SubmitDeclaration ({@link #setEarlyShare}: the answer overtakes the receipt), answers in random order, the office
 *       down ({@link #setDown}), declarations never answered ({@link #neverAnswer}) until {@link #answerNow};</li>
 *   <li>forged callbacks for tests: a wrong password, a wrong signing key, no signature, an unknown declaration;</li>
 *   <li>values the hub cannot keep, for tests: a receipt number of its own ({@link #receiptFor}), an answer given only
 *       to the state query and changed first ({@link #answerOnlyWhenAsked}), any answer sent as the test shapes it
 *       ({@link #answerOf}, {@link #rawAnswer}).</li>
 * </ul>
 * Counters for the crash test and the benchmark: every SubmitDeclaration that arrived, per DocumentId
 * ({@link #submissions()}: more than one means the hub sent the same declaration again), and the submissions held now
 * ({@link #heldSubmissions()}: what the hub has in flight at the office).
 */
public class TaxOfficeSimulator implements AutoCloseable {
    public static final long REJECT_BELOW = 100_000_000L;

    /** A declaration as the office holds it. */
    public static final class Filed {
        public final String documentId;
        public final String dossierCode;
        public final String receiptNumber;
        public final long declaredValue;
        public final EdXML declarationDocument;
        public final int attachments;
        public volatile Notice notice;
        public volatile Rejection rejection;
        public volatile EdXML answerDocument;
        public volatile String callbackId;

        Filed(String documentId, String dossierCode, String receiptNumber, long declaredValue, EdXML document) {
            this.documentId = documentId;
            this.dossierCode = dossierCode;
            this.receiptNumber = receiptNumber;
            this.declaredValue = declaredValue;
            this.declarationDocument = document;
            this.attachments = document.getAttachmentEncoded() == null ? 0 : document.getAttachmentEncoded().getAttachment().size();
        }
    }

    private final Server server;
    private final String address;
    private final String officeKeyName = "tax-office";
    private final byte[] officeKey;
    private final Map<String, byte[]> hubKeys;
    private final Supplier<String> callbackUrl;
    private final String callbackUser;
    private final String callbackPassword;
    private final Organization office = EdXml.organization("G12.45", "Cục Thuế tỉnh Quảng Ninh");
    private final Map<String, Filed> filed = new ConcurrentHashMap<>();
    private final List<String> stateQueries = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> silent = new ConcurrentHashMap<>();
    private final Map<String, String> receiptsFor = new ConcurrentHashMap<>();
    private final Map<String, Consumer<Notice>> askedOnly = new ConcurrentHashMap<>();
    private final AtomicInteger receipts = new AtomicInteger(100000);
    private final AtomicInteger duplicatesSent = new AtomicInteger();
    private final AtomicInteger earlySent = new AtomicInteger();
    private final AtomicInteger callbacksAcknowledged = new AtomicInteger();
    private final CallCounts submissions = new CallCounts();
    private final HeldCalls heldSubmissions = new HeldCalls();
    private final List<String> callbackFailures = new CopyOnWriteArrayList<>();
    private final SimulatedChances chances = new SimulatedChances(7);
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "tax-office-simulator");
        t.setDaemon(true);
        return t;
    });
    private volatile Duration minDelay = Duration.ofSeconds(5);
    private volatile Duration maxDelay = Duration.ofSeconds(30);
    private volatile double duplicateShare;
    private volatile double earlyShare;
    private volatile boolean down;
    private volatile TaxCallbackPortType callback;

    public TaxOfficeSimulator(String hubUser, String hubPassword, String hubKeyName, byte[] hubKey, byte[] officeKey,
                              Supplier<String> callbackUrl, String callbackUser, String callbackPassword) throws IOException {
        this.officeKey = officeKey;
        this.hubKeys = Map.of(hubKeyName, hubKey);
        this.callbackUrl = callbackUrl;
        this.callbackUser = callbackUser;
        this.callbackPassword = callbackPassword;
        JaxWsServerFactoryBean factory = LoopbackSoapServices.onFreePort("/tax-office/land-transfer", TaxOfficePortType.class, new Office());
        this.address = factory.getAddress();
        factory.setWsdlLocation("classpath:connectors/tax/contract/tax.wsdl");
        factory.setServiceName(new javax.xml.namespace.QName("urn:lgsp:tax:v1", "TaxOfficeService"));
        factory.setEndpointName(new javax.xml.namespace.QName("urn:lgsp:tax:v1", "TaxOfficePort"));
        factory.setProperties(new java.util.HashMap<>(Map.of("schema-validation-enabled", "IN")));
        factory.getInInterceptors().add(new UsernameToken.Server(() -> hubUser, () -> hubPassword, Duration.ofMinutes(5)));
        server = factory.create();
    }

    public String address() { return address; }
    public String officeKeyName() { return officeKeyName; }
    public void setDelay(Duration min, Duration max) { this.minDelay = min; this.maxDelay = max; }
    public void setDuplicateShare(double share) { this.duplicateShare = share; }
    public void setEarlyShare(double share) { this.earlyShare = share; }
    public void setDown(boolean down) { this.down = down; }
    /** Declarations of this dossier are received but not answered (until {@link #answerNow}). */
    public void neverAnswer(String dossierCode) { silent.put(dossierCode, true); }
    /** The dossier's declaration gets this receipt number (instead of CT-year-n). */
    public void receiptFor(String dossierCode, String receipt) { receiptsFor.put(dossierCode, receipt); }
    /** The dossier's declaration is answered (a notice, changed by {@code change}) only to GetDeclarationState, never called back. */
    public void answerOnlyWhenAsked(String dossierCode, Consumer<Notice> change) { askedOnly.put(dossierCode, change); }
    public Filed filed(String documentId) { return filed.get(documentId); }
    public List<Filed> filedFor(String dossierCode) { return filed.values().stream().filter(f -> f.dossierCode.equals(dossierCode)).toList(); }
    public List<String> stateQueries() { return List.copyOf(stateQueries); }
    public int duplicatesSent() { return duplicatesSent.get(); }
    public int earlySent() { return earlySent.get(); }
    public int callbacksAcknowledged() { return callbacksAcknowledged.get(); }
    public List<String> callbackFailures() { return List.copyOf(callbackFailures); }
    /** SubmitDeclaration requests received, in all and per DocumentId (a repeated DocumentId counts again). */
    public CallCounts submissions() { return submissions; }
    /** The submissions kept waiting on demand: what the hub has in flight at the office. */
    public HeldCalls heldSubmissions() { return heldSubmissions; }

    public void reset() {
        setDelay(Duration.ZERO, Duration.ZERO);
        duplicateShare = 0;
        earlyShare = 0;
        down = false;
        heldSubmissions.release();
        callbackFailures.clear();
    }

    @WebService(endpointInterface = "vn.gov.lgsp.connector.tax.wsdl.TaxOfficePortType", serviceName = "TaxOfficeService",
            portName = "TaxOfficePort", targetNamespace = "urn:lgsp:tax:v1")
    public class Office implements TaxOfficePortType {
        @Override
        public SubmitDeclarationResponse submitDeclaration(SubmitDeclaration req) throws TaxFault_Exception {
            submissions.count(req.getDeclaration().getDocumentId());
            heldSubmissions.awaitRelease();
            if (down) throw fault("UNAVAILABLE", "the tax office's interface is down for maintenance");
            EdXML doc = req.getEdXML();
            try {
                EdXml.verify(doc, hubKeys);
            } catch (EdXml.Invalid e) {
                throw fault(e.code(), e.getMessage());
            }
            String documentId = doc.getEdXMLEnvelope().getEdXMLHeader().getMessageHeader().getDocumentId();
            if (!documentId.equals(req.getDeclaration().getDocumentId())) throw fault("INVALID_DOCUMENT", "Declaration.DocumentId differs from the edXML DocumentId");
            boolean[] fresh = {false};
            Filed f = filed.computeIfAbsent(documentId, id -> {
                fresh[0] = true;
                String dossier = req.getDeclaration().getDossierCode();
                return new Filed(id, dossier, receiptsFor.getOrDefault(dossier, "CT-" + LocalDate.now().getYear() + "-" + receipts.incrementAndGet()),
                        req.getDeclaration().getDeclaredValue(), doc);
            });
            if (fresh[0] && askedOnly.containsKey(f.dossierCode)) {
                decide(f);
                if (f.notice != null) askedOnly.get(f.dossierCode).accept(f.notice);
            } else if (fresh[0] && !silent.containsKey(f.dossierCode)) {
                decide(f);
                if (chances.chance(earlyShare)) {
                    earlySent.incrementAndGet();
                    deliver(f); // the answer overtakes the receipt: the hub gets it before this reply
                } else {
                    answers.schedule(() -> deliver(f), delayMillis(), TimeUnit.MILLISECONDS);
                }
            }
            SubmitDeclarationResponse r = new SubmitDeclarationResponse();
            r.setReceiptNumber(f.receiptNumber);
            r.setStatus(EdXml.status(EdXml.responseFor(doc), office, EdXml.StatusCode.RECEIVED, null, "Bộ phận một cửa", "Cán bộ tiếp nhận"));
            return r;
        }

        @Override
        public GetDeclarationStateResponse getDeclarationState(GetDeclarationState req) throws TaxFault_Exception {
            if (down) throw fault("UNAVAILABLE", "the tax office's interface is down for maintenance");
            stateQueries.add(req.getDocumentId());
            Filed f = filed.get(req.getDocumentId());
            GetDeclarationStateResponse r = new GetDeclarationStateResponse();
            if (f == null) {
                r.setState(DeclarationState.UNKNOWN);
            } else if (f.answerDocument == null) {
                r.setState(DeclarationState.PROCESSING);
            } else {
                r.setState(f.notice != null ? DeclarationState.NOTICE_ISSUED : DeclarationState.REJECTED);
                r.setNotice(f.notice);
                r.setRejection(f.rejection);
                r.setEdXML(f.answerDocument);
            }
            return r;
        }
    }

    /** Answers a declaration that was kept waiting ({@link #neverAnswer}) now: a late callback. */
    public void answerNow(String documentId) {
        Filed f = filed.get(documentId);
        if (f.answerDocument == null) decide(f);
        deliver(f);
    }

    private void decide(Filed f) {
        LocalDate today = LocalDate.now(EdXml.VIETNAM);
        String kind;
        if (f.declaredValue < REJECT_BELOW) {
            Rejection r = new Rejection();
            r.setDossierCode(f.dossierCode);
            r.setDocumentId(f.documentId);
            r.setReceiptNumber(f.receiptNumber);
            r.setTaxOfficeCode(office.getOrganId());
            r.getReason().add("Giá trị kê khai thấp hơn giá đất theo bảng giá của UBND tỉnh");
            r.getReason().add("Đề nghị kê khai lại theo Quyết định bảng giá đất hiện hành");
            f.rejection = r;
            kind = "Thông báo không chấp nhận hồ sơ khai thuế";
        } else {
            Notice n = new Notice();
            n.setDossierCode(f.dossierCode);
            n.setDocumentId(f.documentId);
            n.setReceiptNumber(f.receiptNumber);
            n.setNoticeNumber("TB-" + f.receiptNumber.substring(f.receiptNumber.lastIndexOf('-') + 1));
            n.setTaxOfficeCode(office.getOrganId());
            n.setAmount(amountFor(f.declaredValue));
            n.setPaymentReference("TT" + Math.abs((f.documentId + "pay").hashCode()));
            n.setDueDate(EdXml.date(today.plusDays(30)));
            f.notice = n;
            kind = "Thông báo nộp thuế";
        }
        byte[] pdf = ("%PDF-1.4\n% " + kind + " " + f.documentId + "\n%%EOF\n").getBytes(StandardCharsets.UTF_8);
        EdXML answer = EdXml.document(office, f.declarationDocument.getEdXMLEnvelope().getEdXMLHeader().getMessageHeader().getFrom(),
                f.receiptNumber.substring(f.receiptNumber.lastIndexOf('-') + 1), f.notice != null ? "TB-CCT" : "TB-KCN", "Quảng Ninh", today,
                1, f.notice != null ? 41 : 42, kind, kind + " - hồ sơ " + f.dossierCode, "", "G12.45.TB." + f.receiptNumber,
                EdXml.responseFor(f.declarationDocument), List.of(new EdXml.Part("notice", "application/pdf", "thong-bao.pdf", pdf)));
        f.answerDocument = EdXml.sign(answer, officeKeyName, officeKey);
        f.callbackId = "CB-" + UUID.randomUUID();
    }

    /** 2% personal income tax + 0.5% registration fee of the declared value, integer VND. */
    public static long amountFor(long declaredValue) {
        return declaredValue / 50 + declaredValue / 200;
    }

    private void deliver(Filed f) {
        DeliverTaxAnswer msg = new DeliverTaxAnswer();
        msg.setCallbackId(f.callbackId);
        msg.setNotice(f.notice);
        msg.setRejection(f.rejection);
        msg.setEdXML(f.answerDocument);
        send(msg, callbackUser, callbackPassword);
        if (chances.chance(duplicateShare)) {
            duplicatesSent.incrementAndGet();
            answers.schedule(() -> send(msg, callbackUser, callbackPassword), delayMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void send(DeliverTaxAnswer msg, String user, String password) {
        try {
            client(user, password).deliverTaxAnswer(msg);
            callbacksAcknowledged.incrementAndGet();
        } catch (Exception e) {
            // a real office retries later; the simulator keeps the failure for the test to see
            callbackFailures.add(msg.getCallbackId() + ": " + e.getMessage());
        }
    }

    // ----------------------------------------------------------------------------------------- forged callbacks

    /** A callback with a wrong password: returns the hub's fault message (or null if it was accepted). */
    public String forgedWithWrongPassword(String documentId) {
        return attempt(copyOf(filed.get(documentId), true), callbackUser, callbackPassword + "-wrong");
    }

    /** A notice for the declaration signed with a key the hub does not trust. */
    public String forgedWithWrongKey(String documentId) {
        DeliverTaxAnswer msg = fakeNotice(filed.get(documentId), f -> EdXml.sign(f, officeKeyName, "not-the-office-key".getBytes(StandardCharsets.UTF_8)));
        return attempt(msg, callbackUser, callbackPassword);
    }

    /** A notice for the declaration without any signature. */
    public String forgedUnsigned(String documentId) {
        return attempt(fakeNotice(filed.get(documentId), f -> f), callbackUser, callbackPassword);
    }

    /** A properly signed notice for a declaration the hub never sent. */
    public String forgedUnknownDeclaration(String dossierCode) {
        Filed ghost = new Filed("000.00.00.H45.TKT.99" + (100000 + chances.nextInt(899999)), dossierCode, "CT-0-1", 500_000_000L,
                filed.values().iterator().next().declarationDocument);
        DeliverTaxAnswer msg = fakeNotice(ghost, f -> EdXml.sign(f, officeKeyName, officeKey));
        msg.getNotice().setDocumentId(ghost.documentId);
        msg.getEdXML().getEdXMLEnvelope().getEdXMLHeader().getMessageHeader().getResponseFor().setDocumentId(ghost.documentId);
        EdXml.sign(msg.getEdXML(), officeKeyName, officeKey);
        return attempt(msg, callbackUser, callbackPassword);
    }

    /**
     * The office's answer to the declaration (decided now if it was not yet, and not sent), as a new message the test
     * may change: a copy, so what the office holds stays as it was.
     */
    public DeliverTaxAnswer answerOf(String documentId) {
        Filed f = filed.get(documentId);
        if (f.answerDocument == null) decide(f);
        DeliverTaxAnswer msg = new DeliverTaxAnswer();
        msg.setCallbackId(f.callbackId);
        if (f.notice != null) {
            Notice n = new Notice();
            n.setDossierCode(f.notice.getDossierCode());
            n.setDocumentId(f.notice.getDocumentId());
            n.setReceiptNumber(f.notice.getReceiptNumber());
            n.setNoticeNumber(f.notice.getNoticeNumber());
            n.setTaxOfficeCode(f.notice.getTaxOfficeCode());
            n.setAmount(f.notice.getAmount());
            n.setPaymentReference(f.notice.getPaymentReference());
            n.setDueDate((javax.xml.datatype.XMLGregorianCalendar) f.notice.getDueDate().clone());
            msg.setNotice(n);
        } else {
            Rejection r = new Rejection();
            r.setDossierCode(f.rejection.getDossierCode());
            r.setDocumentId(f.rejection.getDocumentId());
            r.setReceiptNumber(f.rejection.getReceiptNumber());
            r.setTaxOfficeCode(f.rejection.getTaxOfficeCode());
            r.getReason().addAll(f.rejection.getReason());
            msg.setRejection(r);
        }
        msg.setEdXML(f.answerDocument);
        return msg;
    }

    /** A notice for the declaration without any signature, as a message (for {@link #rawAnswer}). */
    public DeliverTaxAnswer unsignedNotice(String documentId) {
        return fakeNotice(filed.get(documentId), f -> f);
    }

    /** Sends the message as the office's callback (a valid UsernameToken); returns the HTTP status and the hub's reply. */
    public String rawAnswer(DeliverTaxAnswer msg) {
        try {
            var w = new java.io.StringWriter();
            var m = jakarta.xml.bind.JAXBContext.newInstance(DeliverTaxAnswer.class).createMarshaller();
            m.setProperty(jakarta.xml.bind.Marshaller.JAXB_FRAGMENT, true);
            m.marshal(msg, w);
            return rawCallback(w.toString());
        } catch (jakarta.xml.bind.JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    private DeliverTaxAnswer fakeNotice(Filed f, java.util.function.UnaryOperator<EdXML> signer) {
        Notice n = new Notice();
        n.setDossierCode(f.dossierCode);
        n.setDocumentId(f.documentId);
        n.setReceiptNumber(f.receiptNumber);
        n.setNoticeNumber("TB-FAKE");
        n.setTaxOfficeCode(office.getOrganId());
        n.setAmount(1);
        n.setPaymentReference("FAKE");
        n.setDueDate(EdXml.date(LocalDate.now().plusDays(1)));
        EdXML doc = EdXml.document(office, EdXml.organization("000.00.00.H45", "Hub"), "1", "TB-CCT", "Quảng Ninh", LocalDate.now(), 1, 41,
                "Thông báo nộp thuế", "Thông báo nộp thuế (giả)", "", "FAKE." + UUID.randomUUID(), EdXml.responseFor(f.declarationDocument),
                List.of(new EdXml.Part("notice", "application/pdf", "x.pdf", new byte[] {1, 2, 3})));
        DeliverTaxAnswer msg = new DeliverTaxAnswer();
        msg.setCallbackId("CB-FORGED-" + UUID.randomUUID());
        msg.setNotice(n);
        msg.setEdXML(signer.apply(doc));
        return msg;
    }

    private DeliverTaxAnswer copyOf(Filed f, boolean fresh) {
        DeliverTaxAnswer msg = fakeNotice(f, d -> EdXml.sign(d, officeKeyName, officeKey));
        if (!fresh) msg.setCallbackId(f.callbackId);
        return msg;
    }

    private String attempt(DeliverTaxAnswer msg, String user, String password) {
        try {
            DeliverTaxAnswerResponse r = client(user, password).deliverTaxAnswer(msg);
            return r == null ? "accepted" : null;
        } catch (TaxFault_Exception e) {
            return e.getFaultInfo() == null ? e.getMessage() : e.getFaultInfo().getCode() + ": " + e.getFaultInfo().getMessage();
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    /**
     * Posts a SOAP body of its own (e.g. one that breaks the schema) to the hub's callback, with a valid UsernameToken;
     * returns the HTTP status and the hub's reply.
     */
    public String rawCallback(String bodyXml) {
        try {
            var t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(javax.xml.transform.OutputKeys.OMIT_XML_DECLARATION, "yes");
            var w = new java.io.StringWriter();
            t.transform(new javax.xml.transform.dom.DOMSource(UsernameToken.header(callbackUser, callbackPassword, Instant.now())),
                    new javax.xml.transform.stream.StreamResult(w));
            String envelope = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Header>" + w
                    + "</soapenv:Header><soapenv:Body>" + bodyXml + "</soapenv:Body></soapenv:Envelope>";
            var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(callbackUrl.get()))
                    .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "urn:lgsp:tax:v1:DeliverTaxAnswer")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(envelope)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final Map<String, TaxCallbackPortType> clients = new ConcurrentHashMap<>();

    private TaxCallbackPortType client(String user, String password) {
        return clients.computeIfAbsent(user + "\u0000" + password, k -> {
            JaxWsProxyFactoryBean f = new JaxWsProxyFactoryBean();
            f.setServiceClass(TaxCallbackPortType.class);
            f.setAddress(callbackUrl.get());
            f.getOutInterceptors().add(new UsernameToken.Client(() -> user, () -> password));
            return (TaxCallbackPortType) f.create();
        });
    }

    private long delayMillis() {
        return chances.between(minDelay, maxDelay).toMillis();
    }

    private static TaxFault_Exception fault(String code, String message) {
        TaxFault f = new TaxFault();
        f.setCode(code);
        f.setMessage(message);
        return new TaxFault_Exception(code + ": " + message, f);
    }

    @Override
    public void close() {
        heldSubmissions.release();
        answers.shutdownNow();
        server.destroy();
    }
}
