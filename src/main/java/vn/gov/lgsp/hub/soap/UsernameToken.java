package vn.gov.lgsp.hub.soap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.cxf.binding.soap.SoapHeader;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.headers.Header;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.phase.Phase;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * WS-Security UsernameToken (OASIS UsernameToken Profile 1.1, PasswordDigest) for the hub's SOAP partners:
 * {@link Client} adds the token to each outgoing request, {@link Server} checks it on each incoming one.
 * {@code PasswordDigest = Base64(SHA-1(nonce + created + password))}; Created must be within {@code maxSkew} of now
 * and a nonce is accepted once within that window (replays are refused). A refusal is a SOAP fault
 * {@code wsse:FailedAuthentication} naming the reason; the password is never logged or echoed.
 *
 * <p>Kept small on purpose: the token is the minimum the hub's proposed contracts ask for. Production with the
 * ministries needs more than a shared secret: an X.509 signature of body and timestamp (WSS X.509 Token Profile,
 * e.g. cxf-rt-ws-security/WSS4J with the agency's certificate from the government CA) and mutual TLS through the
 * LGSP/NDXP; see connectors/police/README.md and connectors/tax/README.md.
 */
public final class UsernameToken {
    public static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    public static final String DIGEST = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
    public static final String TEXT = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
    public static final String BASE64 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
    public static final QName SECURITY = new QName(WSSE, "Security", "wsse");
    public static final QName FAILED_AUTHENTICATION = new QName(WSSE, "FailedAuthentication", "wsse");
    private static final SecureRandom RANDOM = new SecureRandom();

    private UsernameToken() {}

    public static String digest(byte[] nonce, String created, String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(nonce);
            sha1.update(created.getBytes(StandardCharsets.UTF_8));
            sha1.update(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sha1.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The wsse:Security header element carrying a fresh token. */
    public static Element header(String username, String password, Instant now) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document doc = f.newDocumentBuilder().newDocument();
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String created = now.truncatedTo(ChronoUnit.MILLIS).toString();
            Element sec = doc.createElementNS(WSSE, "wsse:Security");
            sec.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsse", WSSE);
            sec.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsu", WSU);
            Element token = child(sec, WSSE, "wsse:UsernameToken", null);
            child(token, WSSE, "wsse:Username", username);
            child(token, WSSE, "wsse:Password", digest(nonce, created, password)).setAttribute("Type", DIGEST);
            child(token, WSSE, "wsse:Nonce", Base64.getEncoder().encodeToString(nonce)).setAttribute("EncodingType", BASE64);
            child(token, WSU, "wsu:Created", created);
            return sec;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the UsernameToken", e);
        }
    }

    private static Element child(Element parent, String ns, String name, String text) {
        Element e = parent.getOwnerDocument().createElementNS(ns, name);
        if (text != null) e.setTextContent(text);
        parent.appendChild(e);
        return e;
    }

    /** Adds a UsernameToken to every outgoing request; credentials are read per call (they may be set after start). */
    public static final class Client extends AbstractSoapInterceptor {
        private final Supplier<String> username;
        private final Supplier<String> password;

        public Client(Supplier<String> username, Supplier<String> password) {
            super(Phase.PRE_PROTOCOL);
            this.username = username;
            this.password = password;
        }

        @Override
        public void handleMessage(SoapMessage message) throws Fault {
            String user = username.get();
            if (user == null || user.isBlank()) return;
            message.getHeaders().add(new SoapHeader(SECURITY, header(user, password.get() == null ? "" : password.get(), Instant.now())));
        }
    }

    /**
     * Refuses a request without a valid token. The expected username and password are read per request (from the
     * environment through the connector's properties); with no password configured every request is refused.
     */
    public static final class Server extends AbstractSoapInterceptor {
        private final Supplier<String> username;
        private final Supplier<String> password;
        private final Duration maxSkew;
        private final Map<String, Instant> seenNonces = new ConcurrentHashMap<>();

        public Server(Supplier<String> username, Supplier<String> password, Duration maxSkew) {
            super(Phase.PRE_PROTOCOL);
            this.username = username;
            this.password = password;
            this.maxSkew = maxSkew;
        }

        @Override
        public Set<QName> getUnderstoodHeaders() {
            return Set.of(SECURITY);
        }

        @Override
        public void handleMessage(SoapMessage message) throws Fault {
            String refusal = check(message);
            if (refusal != null) {
                // HTTP 500 with the fault in the body, as SOAP 1.1 has it (a 401 would hide the reason from SOAP clients)
                throw new SoapFault("authentication failed: " + refusal, FAILED_AUTHENTICATION);
            }
        }

        private String check(SoapMessage message) {
            String expectedPassword = password.get();
            if (expectedPassword == null || expectedPassword.isBlank()) return "the service has no credential configured";
            Header h = message.getHeader(SECURITY);
            if (h == null || !(h.getObject() instanceof Element sec)) return "no wsse:Security header";
            Element token = first(sec, WSSE, "UsernameToken");
            if (token == null) return "no wsse:UsernameToken";
            Element user = first(token, WSSE, "Username");
            Element pass = first(token, WSSE, "Password");
            if (user == null || pass == null) return "the UsernameToken lacks Username or Password";
            if (!MessageDigest.isEqual(user.getTextContent().trim().getBytes(StandardCharsets.UTF_8),
                    String.valueOf(username.get()).getBytes(StandardCharsets.UTF_8))) {
                return "unknown user or wrong password";
            }
            String type = pass.getAttribute("Type");
            if (type.isEmpty() || TEXT.equals(type)) {
                return "plain-text passwords are not accepted (PasswordDigest required)";
            }
            Element nonceEl = first(token, WSSE, "Nonce");
            Element createdEl = first(token, WSU, "Created");
            if (nonceEl == null || createdEl == null) return "PasswordDigest needs Nonce and Created";
            String created = createdEl.getTextContent().trim();
            Instant at;
            try {
                at = Instant.parse(created);
            } catch (DateTimeParseException e) {
                return "unreadable Created";
            }
            Instant now = Instant.now();
            if (Duration.between(at, now).abs().compareTo(maxSkew) > 0) return "Created is outside the allowed window";
            byte[] nonce;
            try {
                nonce = Base64.getDecoder().decode(nonceEl.getTextContent().trim());
            } catch (IllegalArgumentException e) {
                return "unreadable Nonce";
            }
            String expected = digest(nonce, created, expectedPassword);
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    pass.getTextContent().trim().getBytes(StandardCharsets.US_ASCII))) {
                return "unknown user or wrong password";
            }
            // remembered by its bytes: the decoder takes the same bytes spelt several ways (with or without padding,
            // other unused trailing bits), and each spelling would otherwise pass as a new nonce (a replay)
            String key = Base64.getEncoder().encodeToString(nonce);
            seenNonces.values().removeIf(t -> t.isBefore(now.minus(maxSkew.multipliedBy(2))));
            if (seenNonces.putIfAbsent(key, now) != null) return "the nonce was used before (replay)";
            return null;
        }

        private static Element first(Element parent, String ns, String local) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) return e;
            }
            return null;
        }
    }
}
