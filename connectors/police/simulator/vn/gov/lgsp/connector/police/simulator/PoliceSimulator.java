package vn.gov.lgsp.connector.police.simulator;

import jakarta.jws.WebService;
import java.io.IOException;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.datatype.DatatypeFactory;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import vn.gov.lgsp.connector.police.wsdl.CheckStatus;
import vn.gov.lgsp.connector.police.wsdl.Field;
import vn.gov.lgsp.connector.police.wsdl.GetVerificationResult;
import vn.gov.lgsp.connector.police.wsdl.PoliceFault;
import vn.gov.lgsp.connector.police.wsdl.PoliceFault_Exception;
import vn.gov.lgsp.connector.police.wsdl.PoliceIdentityPortType;
import vn.gov.lgsp.connector.police.wsdl.Result;
import vn.gov.lgsp.connector.police.wsdl.Verification;
import vn.gov.lgsp.connector.police.wsdl.VerifyIdentity;
import vn.gov.lgsp.hub.infra.CallCounts;
import vn.gov.lgsp.hub.infra.HeldCalls;
import vn.gov.lgsp.hub.infra.LoopbackSoapServices;
import vn.gov.lgsp.hub.infra.SimulatedChances;
import vn.gov.lgsp.hub.soap.UsernameToken;

/**
 * Plays the population database's identity-check service on loopback (CXF on Jetty, the hub's proposed WSDL), with
 * a WS-Security UsernameToken check and the failure modes the hub must survive:
 * <ul>
 *   <li>slowness: each check takes a random time in [minDelay, maxDelay], and a {@link #setSlowShare share} of them
 *       {@code slowDelay}; a check taking longer than {@code syncWindow} is answered PENDING at once and its result
 *       is ready (GetVerificationResult) once its time has passed; {@link #heldAnswers()} keeps answers back on
 *       demand;</li>
 *   <li>a quota of checks per minute (sliding window; QUOTA_EXCEEDED with RetryAfterSeconds) and random quota faults
 *       ({@link #setQuotaFaultRate});</li>
 *   <li>the service down ({@link #setDown}: UNAVAILABLE faults).</li>
 * </ul>
 * The "database": persons {@link #register registered} are compared by full name (trimmed, spaces collapsed, upper
 * case; diacritics count) and date of birth; an unregistered ID ending
 * in 999 is NOT_FOUND, any other unregistered ID matches (so the demo's generated citizens mostly MATCH).
 * A repeated RequestId is answered with its first result and not counted against the quota.
 * <p>Counters for the crash test and the benchmark: every VerifyIdentity request that arrived, per RequestId
 * ({@link #verifyRequests()}, also the ones held or answered with a fault), and the requests held now ({@link #heldAnswers()}).
 */
public class PoliceSimulator implements AutoCloseable {
    public record Person(String fullName, LocalDate dateOfBirth) {}

    /** One check as the database saw it. */
    public record Call(String requestId, String dossierCode, String operation, String outcome, Instant at) {}

    private record Check(Verification answer, Instant readyAt) {}

    private final Server server;
    private final String address;
    private final Map<String, Person> registry = new ConcurrentHashMap<>();
    private final Map<String, Check> checks = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Deque<Instant> window = new ArrayDeque<>();
    private final AtomicInteger quotaFaults = new AtomicInteger();
    private final CallCounts verifyRequests = new CallCounts();
    private final HeldCalls heldAnswers = new HeldCalls();
    private final SimulatedChances chances = new SimulatedChances(42);
    private volatile Duration minDelay = Duration.ZERO;
    private volatile Duration maxDelay = Duration.ZERO;
    private volatile double slowShare;
    private volatile Duration slowDelay = Duration.ofSeconds(20);
    private volatile Duration syncWindow = Duration.ofSeconds(10);
    private volatile int quotaPerMinute;
    private volatile double quotaFaultRate;
    private volatile int checkIdLength;
    private volatile boolean down;

    public PoliceSimulator(String username, String password) throws IOException {
        JaxWsServerFactoryBean factory = LoopbackSoapServices.onFreePort("/police/identity", PoliceIdentityPortType.class, new Service());
        address = factory.getAddress();
        factory.getInInterceptors().add(new UsernameToken.Server(() -> username, () -> password, Duration.ofMinutes(5)));
        server = factory.create();
    }

    public String address() { return address; }
    public void register(String citizenId, String fullName, LocalDate dateOfBirth) { registry.put(citizenId, new Person(fullName, dateOfBirth)); }
    public void setDelay(Duration min, Duration max) { this.minDelay = min; this.maxDelay = max; }
    public void setSlowShare(double share) { this.slowShare = share; }
    public void setSlowDelay(Duration d) { this.slowDelay = d; }
    public void setSyncWindow(Duration d) { this.syncWindow = d; }
    public void setQuotaPerMinute(int q) { this.quotaPerMinute = q; }
    public void setQuotaFaultRate(double r) { this.quotaFaultRate = r; }
    public void setDown(boolean down) { this.down = down; }
    /** Answers with check references of this length (0: the usual ones), longer than a partner should, to test the hub. */
    public void setCheckIdLength(int length) { this.checkIdLength = length; }
    public int quotaFaults() { return quotaFaults.get(); }
    public List<Call> calls() { return List.copyOf(calls); }
    /**
     * VerifyIdentity requests received, whatever their answer, in all and per RequestId: a RequestId counted more than
     * once means the hub asked again for the same check.
     */
    public CallCounts verifyRequests() { return verifyRequests; }
    /** The requests whose answers are kept back on demand (the callers wait): calls the hub has in flight at the database. */
    public HeldCalls heldAnswers() { return heldAnswers; }

    /** Back to an instant, well-behaved service with an empty record of calls (the registry stays). */
    public void reset() {
        heldAnswers.release();
        setDelay(Duration.ZERO, Duration.ZERO);
        slowShare = 0;
        quotaFaultRate = 0;
        quotaPerMinute = 0;
        down = false;
        checkIdLength = 0;
        calls.clear();
        verifyRequests.clear();
        quotaFaults.set(0);
        synchronized (window) {
            window.clear();
        }
    }

    @WebService(endpointInterface = "vn.gov.lgsp.connector.police.wsdl.PoliceIdentityPortType", serviceName = "PoliceIdentityService",
            portName = "PoliceIdentityPort", targetNamespace = "urn:lgsp:police:identity:v1")
    public class Service implements PoliceIdentityPortType {
        @Override
        public Verification verifyIdentity(VerifyIdentity req) throws PoliceFault_Exception {
            verifyRequests.count(req.getRequestId());
            heldAnswers.awaitRelease();
            if (down) throw fault(req.getRequestId(), req.getDossierCode(), "VerifyIdentity", "UNAVAILABLE", "service temporarily unavailable", null);
            Check known = checks.get(req.getRequestId());
            if (known == null) {
                if (chances.chance(quotaFaultRate) || !withinQuota()) {
                    quotaFaults.incrementAndGet();
                    throw fault(req.getRequestId(), req.getDossierCode(), "VerifyIdentity", "QUOTA_EXCEEDED", "quota of checks per minute exceeded", 60);
                }
                Duration delay = plannedDelay();
                Verification answer = check(req);
                known = checks.computeIfAbsent(req.getRequestId(), k -> new Check(answer, Instant.now().plus(delay)));
            }
            return answer(known, req.getRequestId(), req.getDossierCode(), "VerifyIdentity");
        }

        @Override
        public Verification getVerificationResult(GetVerificationResult req) throws PoliceFault_Exception {
            heldAnswers.awaitRelease();
            if (down) throw fault(req.getRequestId(), null, "GetVerificationResult", "UNAVAILABLE", "service temporarily unavailable", null);
            Check known = checks.get(req.getRequestId());
            if (known == null) throw fault(req.getRequestId(), null, "GetVerificationResult", "UNKNOWN_REQUEST", "no check with this RequestId", null);
            return answer(known, req.getRequestId(), null, "GetVerificationResult");
        }
    }

    private Verification answer(Check c, String requestId, String dossierCode, String operation) {
        Duration left = Duration.between(Instant.now(), c.readyAt());
        if (!left.isNegative() && !left.isZero()) {
            if (left.compareTo(syncWindow) > 0) {
                Verification pending = new Verification();
                pending.setRequestId(requestId);
                pending.setStatus(CheckStatus.PENDING);
                calls.add(new Call(requestId, dossierCode, operation, "PENDING", Instant.now()));
                return pending;
            }
            sleep(left);
        }
        calls.add(new Call(requestId, dossierCode, operation, c.answer().getResult().value(), Instant.now()));
        return c.answer();
    }

    private Verification check(VerifyIdentity req) {
        Verification v = new Verification();
        v.setRequestId(req.getRequestId());
        v.setStatus(CheckStatus.COMPLETED);
        String checkId = "CSDLQG-" + UUID.randomUUID().toString().substring(0, 13).toUpperCase(Locale.ROOT);
        v.setCheckId(checkIdLength == 0 ? checkId : (checkId + "-".repeat(checkIdLength)).substring(0, checkIdLength));
        try {
            v.setCheckedAt(DatatypeFactory.newInstance().newXMLGregorianCalendar(
                    java.util.GregorianCalendar.from(Instant.now().atZone(ZoneId.of("Asia/Ho_Chi_Minh")))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Person p = registry.get(req.getCitizenId());
        if (p == null) {
            v.setResult(req.getCitizenId().endsWith("999") ? Result.NOT_FOUND : Result.MATCH);
            return v;
        }
        List<Field> wrong = new ArrayList<>();
        if (!normal(p.fullName()).equals(normal(req.getFullName()))) wrong.add(Field.FULL_NAME);
        if (!p.dateOfBirth().toString().equals(req.getDateOfBirth().toXMLFormat().substring(0, 10))) wrong.add(Field.DATE_OF_BIRTH);
        v.setResult(wrong.isEmpty() ? Result.MATCH : Result.MISMATCH);
        v.getMismatchedField().addAll(wrong);
        return v;
    }

    private static String normal(String name) {
        return Normalizer.normalize(name.trim().replaceAll("\\s+", " "), Normalizer.Form.NFC).toUpperCase(Locale.ROOT);
    }

    private Duration plannedDelay() {
        return chances.chance(slowShare) ? slowDelay : chances.between(minDelay, maxDelay);
    }

    private boolean withinQuota() {
        int quota = quotaPerMinute;
        if (quota <= 0) return true;
        synchronized (window) {
            Instant now = Instant.now();
            while (!window.isEmpty() && window.peekFirst().isBefore(now.minusSeconds(60))) window.pollFirst();
            if (window.size() >= quota) return false;
            window.addLast(now);
            return true;
        }
    }

    private PoliceFault_Exception fault(String requestId, String dossierCode, String operation, String code, String message, Integer retryAfter) {
        calls.add(new Call(requestId, dossierCode, operation, code, Instant.now()));
        PoliceFault f = new PoliceFault();
        f.setCode(code);
        f.setMessage(message);
        f.setRetryAfterSeconds(retryAfter);
        return new PoliceFault_Exception(code + ": " + message, f);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        heldAnswers.release();
        server.destroy();
    }
}
