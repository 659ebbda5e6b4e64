package vn.gov.lgsp.hub.audit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * A time-stamping authority (RFC 3161 over HTTP, application/timestamp-query -> application/timestamp-reply) on
 * loopback, for the tests and the demo run: its own RSA key and a self-signed certificate for time-stamping only
 * (extended key usage id-kp-timeStamping, critical), both generated at start. {@link #setDown} makes it refuse every
 * request (HTTP 503), as an authority that is unreachable or overloaded would.
 */
public final class TsaSimulator implements AutoCloseable {
    /** The simulator's TSA policy (an arc of the private enterprise numbers' example space). */
    public static final String POLICY = "1.3.6.1.4.1.32473.1.1";

    private final HttpServer server;
    private final KeyPair key;
    private final X509Certificate certificate;
    private final AtomicLong serial = new AtomicLong(System.currentTimeMillis());
    private final AtomicInteger granted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean down;

    public TsaSimulator() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            key = generator.generateKeyPair();
            certificate = certificate(key);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the TSA simulator could not make its key and certificate", e);
        }
        server.createContext("/tsa", this::stamp);
        server.start();
    }

    /** Self-signed, valid from yesterday for a year, for time-stamping only (what BouncyCastle's validation asks). */
    private static X509Certificate certificate(KeyPair key) throws Exception {
        X500Name name = new X500Name("CN=LGSP test time-stamping authority, O=Simulator, C=VN");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name, key.getPublic());
        builder.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
    }

    private void stamp(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (down) {
                refused.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())
                    || !ex.getRequestHeaders().getFirst("Content-Type").startsWith(AuditTimestamps.QUERY)) {
                ex.sendResponseHeaders(415, -1);
                return;
            }
            byte[] reply;
            try {
                TimeStampRequest request = new TimeStampRequest(body);
                TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(
                        new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withRSA", key.getPrivate(), certificate),
                        new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1)),
                        new ASN1ObjectIdentifier(POLICY));
                tokens.addCertificates(new org.bouncycastle.cert.jcajce.JcaCertStore(java.util.List.of(certificate)));
                TimeStampResponse response = new TimeStampResponseGenerator(tokens, TSPAlgorithms.ALLOWED)
                        .generate(request, BigInteger.valueOf(serial.incrementAndGet()), new Date());
                reply = response.getEncoded();
                granted.incrementAndGet();
            } catch (Exception e) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", AuditTimestamps.REPLY);
            ex.sendResponseHeaders(200, reply.length);
            ex.getResponseBody().write(reply);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/tsa";
    }

    /** The certificate the hub must trust, base64 DER (what hub.audit.timestamp.certificate takes). */
    public String certificateBase64() {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    public int granted() {
        return granted.get();
    }

    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
