package vn.gov.lgsp.hub.audit;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * RFC 3161 time-stamp tokens over the audit checkpoints (table audit_timestamp). A checkpoint is signed with the hub's
 * own key, which lives with the hub; a token is signed by an independent time-stamping authority over the SHA-256 of
 * the checkpoint's signed text (its record id, head hash and time), so even someone holding the hub's key and the
 * database owner's rights cannot rewrite the chain before a stamped checkpoint: the token would no longer cover it.
 *
 * <p>Tokens are fetched after the checkpoint is stored, by {@link #stampPending()}: right after each checkpoint and every
 * {@code retry-interval}. An authority that is down (or answers nonsense) only delays its tokens: the checkpoint is
 * kept and its token fetched on a later run; nothing of the hub waits for the authority. Every Nth checkpoint is
 * stamped ({@code every}), counted over the checkpoint table's order.
 */
@Component
public class AuditTimestamps {
    private static final Logger log = LoggerFactory.getLogger(AuditTimestamps.class);
    static final String QUERY = "application/timestamp-query";
    static final String REPLY = "application/timestamp-reply";

    private final JdbcTemplate jdbc;
    private final TimestampProperties props;
    private final SecureRandom random = new SecureRandom();
    private volatile HttpClient client;

    public AuditTimestamps(JdbcTemplate jdbc, TimestampProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    /** What a checkpoint's token covers: SHA-256 of the text the hub signed. */
    public static byte[] imprint(long lastRecordId, String headHash, Instant createdAt) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(
                    AuditCheckpoints.signedText(lastRecordId, headHash, createdAt).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "audit-timestamp") // one instance at a time
    @Scheduled(initialDelayString = "${hub.audit.timestamp.retry-interval:PT1M}", fixedDelayString = "${hub.audit.timestamp.retry-interval:PT1M}")
    public void periodic() {
        stampPending();
    }

    /** Checkpoints due a token that have none yet, oldest first ({@code every}: each Nth checkpoint). */
    private static final String DUE = "SELECT c.id, c.last_record_id, c.head_hash, c.created_at FROM"
            + " (SELECT id, last_record_id, head_hash, created_at, row_number() OVER (ORDER BY id) AS n FROM audit_checkpoint) c"
            + " WHERE c.n % ? = 0 AND NOT EXISTS (SELECT 1 FROM audit_timestamp t WHERE t.checkpoint_id = c.id) ORDER BY c.id";

    /** How many checkpoints wait for their token (the authority was down, or they were just made). */
    public long pending() {
        return jdbc.queryForObject("SELECT count(*) FROM (" + DUE + ") d", Long.class, Math.max(1, props.getEvery()));
    }

    /**
     * Fetches the tokens of the checkpoints that wait for one; stops at the first failure (the authority is down:
     * the next run tries again). Returns the number of tokens stored. Never throws.
     */
    public int stampPending() {
        if (!props.enabled()) return 0;
        int stored = 0;
        try {
            List<Map<String, Object>> due = jdbc.queryForList(DUE + " LIMIT ?", Math.max(1, props.getEvery()), Math.max(1, props.getBatchSize()));
            for (Map<String, Object> c : due) {
                long id = ((Number) c.get("id")).longValue();
                byte[] imprint = imprint(((Number) c.get("last_record_id")).longValue(), (String) c.get("head_hash"),
                        ((Timestamp) c.get("created_at")).toInstant());
                TimeStampToken token = request(imprint);
                TimeStampTokenInfo info = token.getTimeStampInfo();
                jdbc.update("INSERT INTO audit_timestamp (checkpoint_id, imprint, token, gen_time, serial_number, tsa_url)"
                        + " VALUES (?,?,?,?,?,?) ON CONFLICT (checkpoint_id) DO NOTHING", id, HexFormat.of().formatHex(imprint),
                        Base64.getEncoder().encodeToString(token.getEncoded()), Timestamp.from(info.getGenTime().toInstant()),
                        info.getSerialNumber().toString(), cut(props.getUrl(), 300));
                log.info("audit checkpoint {} time-stamped by {} at {} (serial {})", id, props.getUrl(), info.getGenTime().toInstant(),
                        info.getSerialNumber());
                stored++;
            }
        } catch (Exception e) {
            log.warn("time-stamping authority {} failed ({}): the checkpoints keep waiting for their tokens, tried again in {}",
                    props.getUrl(), e.getMessage(), props.getRetryInterval());
        }
        return stored;
    }

    /** One RFC 3161 exchange: a request with a fresh nonce, the reply checked against it and against the certificate. */
    TimeStampToken request(byte[] imprint) throws Exception {
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        if (props.getPolicy() != null && !props.getPolicy().isBlank()) generator.setReqPolicy(new ASN1ObjectIdentifier(props.getPolicy().trim()));
        TimeStampRequest request = generator.generate(TSPAlgorithms.SHA256, imprint, new BigInteger(64, random));
        HttpRequest http = HttpRequest.newBuilder(URI.create(props.getUrl().trim()))
                .timeout(props.getReadTimeout())
                .header("Content-Type", QUERY)
                .header("Accept", REPLY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded()))
                .build();
        HttpResponse<byte[]> answer = client().send(http, HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) throw new IllegalStateException("HTTP " + answer.statusCode());
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith(REPLY)) throw new IllegalStateException("answered " + (type.isEmpty() ? "without a content type" : type));
        TimeStampResponse response = new TimeStampResponse(answer.body());
        response.validate(request); // granted, same nonce, same imprint and algorithm
        TimeStampToken token = response.getTimeStampToken();
        if (token == null) throw new IllegalStateException("no token: " + response.getStatusString());
        String problem = problem(token.getEncoded(), imprint);
        // a token of another authority than the configured one is not stored: it would anchor nothing
        if (problem != null && !NOT_CHECKED.equals(problem)) throw new IllegalStateException(problem);
        return token;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            c = HttpClient.newBuilder().connectTimeout(props.getConnectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
            client = c;
        }
        return c;
    }

    /** The verdict on a token of no configured certificate: it cannot be checked (not counted as a failure). */
    public static final String NOT_CHECKED = "no TSA certificate is configured (hub.audit.timestamp.certificate): the token is not checked";

    /**
     * Null when the token covers {@code expectedImprint} with SHA-256 and is validly signed by a configured certificate
     * of the authority (valid at the token's time, for time-stamping); {@link #NOT_CHECKED} without a certificate;
     * otherwise what is wrong.
     */
    public String problem(byte[] tokenDer, byte[] expectedImprint) {
        TimeStampToken token;
        try {
            token = new TimeStampToken(new CMSSignedData(tokenDer));
        } catch (Exception e) {
            return "the time-stamp token cannot be read (it was altered): " + e.getMessage();
        }
        TimeStampTokenInfo info = token.getTimeStampInfo();
        if (!NISTObjectIdentifiers.id_sha256.equals(info.getMessageImprintAlgOID())) {
            return "the time-stamp token covers another kind of digest (" + info.getMessageImprintAlgOID() + ")";
        }
        if (!MessageDigest.isEqual(info.getMessageImprintDigest(), expectedImprint)) {
            return "the time-stamp token does not cover this checkpoint as it is now (the checkpoint or the chain before it was rewritten after it was time-stamped)";
        }
        List<X509Certificate> certificates;
        try {
            certificates = certificates();
        } catch (IllegalArgumentException badConfiguration) {
            return badConfiguration.getMessage();
        }
        if (certificates.isEmpty()) return NOT_CHECKED;
        String last = null;
        for (X509Certificate certificate : certificates) {
            try {
                token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(certificate));
                return null;
            } catch (Exception e) {
                last = e.getMessage();
            }
        }
        // signed by an authority this hub does not trust (the demo's simulator of an earlier run, a renewal not yet
        // configured): reported as such, like a checkpoint signed by an untrusted key, when it holds under its own
        // certificate; a token whose signature does not hold even there was altered
        try {
            for (Object match : token.getCertificates().getMatches(token.getSID())) {
                X509CertificateHolder own = (X509CertificateHolder) match;
                boolean configured = false;
                for (X509Certificate c : certificates) configured |= java.util.Arrays.equals(c.getEncoded(), own.getEncoded());
                if (!configured) {
                    token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(own));
                    return UNTRUSTED_AUTHORITY;
                }
            }
        } catch (Exception altered) {
            last = altered.getMessage();
        }
        return "the time-stamp token's signature does not verify against the configured TSA certificate (" + last + ")";
    }

    /** The verdict on a valid token of an authority whose certificate is not configured: counted, not a break. */
    public static final String UNTRUSTED_AUTHORITY = "the time-stamp token is signed by an authority whose certificate is not configured";

    /** The authority's configured certificate(s): the current one first, then former ones. */
    List<X509Certificate> certificates() {
        List<X509Certificate> out = new ArrayList<>();
        List<String> all = new ArrayList<>();
        all.add(props.getCertificate());
        all.addAll(props.getTrustedCertificates());
        for (String text : all) {
            if (text == null || text.isBlank()) continue;
            out.add(parseCertificate(text));
        }
        return out;
    }

    /** An X.509 certificate given as PEM or as base64 DER. */
    public static X509Certificate parseCertificate(String text) {
        try {
            byte[] bytes = text.contains("-----BEGIN") ? text.getBytes(StandardCharsets.US_ASCII) : Base64.getMimeDecoder().decode(text.trim());
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(bytes));
        } catch (Exception e) {
            throw new IllegalArgumentException("hub.audit.timestamp certificate is not an X.509 certificate (PEM or base64 DER): " + e.getMessage(), e);
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
