package vn.gov.lgsp.hub.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/** The hash chain of the audit log: each record's hash covers the previous record's hash and its own fields. */
public final class AuditChain {
    private AuditChain() {}

    /** The prev_hash of the very first record. */
    public static final String GENESIS = "0".repeat(64);

    /** PostgreSQL keeps microseconds: the hashed time must survive the round trip. */
    public static Instant dbPrecision(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    /** The formula of records written since V41: the texts enter the hash through their digests (see {@link #textDigest}). */
    public static final int VERSION = 2;

    /**
     * The hash of a record as written now (version 2): the masked payload and the detail enter it through their
     * SHA-256 digests, so a purge may clear those texts (keeping their digests) and the chain still verifies.
     */
    public static String recordHash(String prevHash, Instant recordedAt, String direction, String party,
                                    String dossierCode, String messageType, String outcome, Long latencyMs,
                                    String correlationId, String payloadDigest, String maskedPayload, String detail) {
        return recordHashFromDigests(prevHash, recordedAt, direction, party, dossierCode, messageType, outcome, latencyMs,
                correlationId, payloadDigest, textDigest(maskedPayload), textDigest(detail));
    }

    /** Version 2 from the texts' digests: what verify computes for a record whose texts were purged. */
    public static String recordHashFromDigests(String prevHash, Instant recordedAt, String direction, String party,
                                               String dossierCode, String messageType, String outcome, Long latencyMs,
                                               String correlationId, String payloadDigest, String maskedPayloadDigest,
                                               String detailDigest) {
        return sha256(String.join("\u001f", "v2", prevHash,
                Long.toString(recordedAt.getEpochSecond()), Integer.toString(recordedAt.getNano() / 1000),
                direction, party, nz(dossierCode), messageType, outcome,
                latencyMs == null ? "" : latencyMs.toString(),
                nz(correlationId), nz(payloadDigest), nz(maskedPayloadDigest), nz(detailDigest)));
    }

    /** The digest a text enters the hash as; null (no text) stays null, so an absent text is not a purged one. */
    public static String textDigest(String text) {
        return text == null ? null : sha256(text);
    }

    /** Version 1 (records written before V41): the plain texts in the hash; such records are never purged. */
    public static String recordHashV1(String prevHash, Instant recordedAt, String direction, String party,
                                      String dossierCode, String messageType, String outcome, Long latencyMs,
                                      String correlationId, String payloadDigest, String maskedPayload, String detail) {
        String canonical = String.join("\u001f",
                prevHash,
                Long.toString(recordedAt.getEpochSecond()), Integer.toString(recordedAt.getNano() / 1000),
                direction, party, nz(dossierCode), messageType, outcome,
                latencyMs == null ? "" : latencyMs.toString(),
                nz(correlationId), nz(payloadDigest), nz(maskedPayload), nz(detail));
        return sha256(canonical);
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of a text given as its UTF-8 (a caller that needs the bytes anyway encodes once). */
    public static String sha256(byte[] utf8) {
        return HexFormat.of().formatHex(SHA_256.get().digest(utf8));
    }

    /**
     * One digest per thread (each digest() resets it): every audited record hashes two to four texts, and looking
     * the algorithm up for each was a visible share of it (bench/PROFILING.md).
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
