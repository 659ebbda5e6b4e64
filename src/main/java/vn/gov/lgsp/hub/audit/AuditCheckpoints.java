package vn.gov.lgsp.hub.audit;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signed checkpoints of the audit chain's head (table audit_checkpoint). The chain alone shows an edit that did not
 * recompute the hashes after it; someone with the database owner's rights can rewrite a whole tail consistently.
 * A checkpoint signs (last record id, its hash) with the hub's key, which is not in the database: a rewritten tail
 * no longer matches the checkpoints taken before the rewrite, and /api/v1/audit/verify names them. Each checkpoint is
 * also written to the application log, which is shipped elsewhere, and time-stamped by an independent authority
 * ({@link AuditTimestamps}: RFC 3161), which holds even against someone who has the hub's key.
 *
 * <p>The key: {@code hub.audit.checkpoint.signing-key} (HUB_AUDIT_SIGNING_KEY), a PKCS#8 Ed25519 or RSA private key,
 * base64 (DER, or PEM without its header lines). Without one (the demo run, the tests) a key is generated at start and
 * the hub warns: checkpoints of earlier runs then verify as "signed by a key this hub does not trust", not as broken.
 * Former keys (after a rotation) are trusted through {@code hub.audit.checkpoint.trusted-public-keys} (X.509, base64).
 */
@Component
public class AuditCheckpoints {
    private static final Logger log = LoggerFactory.getLogger(AuditCheckpoints.class);
    /** The audit chain's advisory lock (AuditLog): the head is read while no batch is being appended. */
    private static final long CHAIN_LOCK = 0x4155444954L;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final PrivateKey privateKey;
    private final String publicKey;
    private final String algorithm;
    private final String keyId;
    private final Set<String> trusted = new HashSet<>();
    private final AuditTimestamps timestamps;

    public AuditCheckpoints(JdbcTemplate jdbc, TransactionTemplate tx, AuditTimestamps timestamps,
                            @Value("${hub.audit.checkpoint.signing-key:}") String signingKey,
                            @Value("${hub.audit.checkpoint.trusted-public-keys:}") List<String> trustedKeys) throws Exception {
        this.jdbc = jdbc;
        this.tx = tx;
        this.timestamps = timestamps;
        KeyPair pair;
        if (signingKey == null || signingKey.isBlank()) {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            log.warn("hub.audit.checkpoint.signing-key (HUB_AUDIT_SIGNING_KEY) is not set: audit checkpoints are signed with a key"
                    + " generated at start, which later runs will not trust (fine for the demo, not for production)");
        } else {
            pair = load(signingKey);
        }
        this.privateKey = pair.getPrivate();
        this.algorithm = "Ed25519".equals(privateKey.getAlgorithm()) || "EdDSA".equals(privateKey.getAlgorithm()) ? "Ed25519" : "SHA256withRSA";
        this.publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        this.keyId = AuditChain.sha256(publicKey).substring(0, 16);
        trusted.add(publicKey);
        for (String k : trustedKeys) if (k != null && !k.isBlank()) trusted.add(k.trim());
    }

    private static KeyPair load(String encoded) throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(encoded.replaceAll("-----[A-Z ]+-----", "").trim());
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            PrivateKey k = KeyFactory.getInstance("Ed25519").generatePrivate(spec);
            // the public key of an Ed25519 PKCS#8 v1 key is not in it: derive it by signing nothing is not possible,
            // so Ed25519 keys are given as PKCS#8 v2 (with the public key) or through the JDK's generator output
            return new KeyPair(ed25519Public(der), k);
        } catch (java.security.spec.InvalidKeySpecException notEd25519) {
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(spec);
            PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
            return new KeyPair(pub, k);
        }
    }

    /** The public key of a PKCS#8 v2 Ed25519 key (RFC 8410: its last 32 bytes after the [1] tag). */
    private static PublicKey ed25519Public(byte[] pkcs8) throws Exception {
        if (pkcs8.length < 83) {
            throw new IllegalArgumentException("an Ed25519 signing key must carry its public key (PKCS#8 v2, RFC 8410),"
                    + " e.g. openssl genpkey -algorithm ed25519 | openssl pkcs8 -topk8 -nocrypt -v2 ... or use an RSA key");
        }
        byte[] raw = java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        byte[] spki = new byte[44];
        byte[] prefix = java.util.HexFormat.of().parseHex("302a300506032b6570032100");
        System.arraycopy(prefix, 0, spki, 0, 12);
        System.arraycopy(raw, 0, spki, 12, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    /** What a checkpoint signs. */
    static String signedText(long lastRecordId, String headHash, Instant createdAt) {
        return "lgsp-audit-checkpoint|" + lastRecordId + "|" + headHash + "|" + createdAt.getEpochSecond() + "." + createdAt.getNano() / 1000;
    }

    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "audit-checkpoint") // one instance at a time (vn.gov.lgsp.hub.cluster.SingletonJobs)
    @Scheduled(initialDelayString = "${hub.audit.checkpoint.interval:PT5M}", fixedDelayString = "${hub.audit.checkpoint.interval:PT5M}")
    public void periodic() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            log.warn("audit checkpoint failed: {}", e.getMessage());
        }
        // after the checkpoint's commit: a time-stamping authority that is down never holds a checkpoint back
        timestamps.stampPending();
    }

    /** Signs the chain's current head unless the last checkpoint already covers it; returns the checkpoint's id or null. */
    public Long checkpoint() {
        return tx.execute(s -> {
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)", Object.class, CHAIN_LOCK);
            List<Map<String, Object>> head = jdbc.queryForList("SELECT id, record_hash FROM audit_record ORDER BY id DESC LIMIT 1");
            if (head.isEmpty()) return null;
            long id = ((Number) head.get(0).get("id")).longValue();
            String hash = (String) head.get(0).get("record_hash");
            Long covered = jdbc.queryForObject("SELECT max(last_record_id) FROM audit_checkpoint", Long.class);
            if (covered != null && covered >= id) return null;
            Instant at = AuditChain.dbPrecision(Instant.now());
            String signature = sign(signedText(id, hash, at));
            Long checkpoint = jdbc.queryForObject("INSERT INTO audit_checkpoint (created_at, last_record_id, head_hash, key_id, algorithm,"
                    + " public_key, signature) VALUES (?,?,?,?,?,?,?) RETURNING id", Long.class,
                    Timestamp.from(at), id, hash, keyId, algorithm, publicKey, signature);
            log.info("audit checkpoint {}: record {} head {} signed by key {}", checkpoint, id, hash, keyId);
            return checkpoint;
        });
    }

    /** Package-visible for the tests: what someone holding the hub's key could sign. */
    String sign(String text) {
        try {
            Signature sig = Signature.getInstance(algorithm);
            sig.initSign(privateKey);
            sig.update(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sig.sign());
        } catch (Exception e) {
            throw new IllegalStateException("signing the audit checkpoint failed", e);
        }
    }

    /** The verdict on one checkpoint's signature: VALID, UNTRUSTED_KEY (a key this hub does not know) or BAD_SIGNATURE. */
    public String signatureVerdict(long lastRecordId, String headHash, Instant createdAt, String algorithm, String publicKey, String signature) {
        try {
            String keyType = "Ed25519".equals(algorithm) ? "Ed25519" : "RSA";
            PublicKey key = KeyFactory.getInstance(keyType).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
            Signature sig = Signature.getInstance(algorithm);
            sig.initVerify(key);
            sig.update(signedText(lastRecordId, headHash, createdAt).getBytes(StandardCharsets.UTF_8));
            if (!sig.verify(Base64.getDecoder().decode(signature))) return "BAD_SIGNATURE";
            return trusted.contains(publicKey) ? "VALID" : "UNTRUSTED_KEY";
        } catch (Exception e) {
            return "BAD_SIGNATURE";
        }
    }
}
