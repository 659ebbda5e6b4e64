package vn.gov.lgsp.connector.vietinbank;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The bank's signature scheme: Base64(SHA256withRSA) over a concatenation of fields, empty fields skipped.
 * IPN: transId + transTime + custCode + amount + bankTransId + remark (bank's key).
 * Reply: transId + errorCode + errorDesc (hub's key).
 */
public final class VietinbankSignatures {
    private VietinbankSignatures() {}

    public static String ipnSigningString(VietinbankNotification n) {
        return concat(n.transId(), n.transTime(), n.custCode(), n.amount(), n.bankTransId(), n.remark());
    }

    public static String replySigningString(String transId, String errorCode, String errorDesc) {
        return concat(transId, errorCode, errorDesc);
    }

    static String concat(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) if (p != null) sb.append(p);
        return sb.toString();
    }

    public static String sign(String text, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /** False for a wrong, malformed or missing signature; never throws on attacker-supplied input. */
    public static boolean verify(String text, String signatureBase64, PublicKey key) {
        if (signatureBase64 == null || signatureBase64.isBlank()) return false;
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update(text.getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getMimeDecoder().decode(signatureBase64));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static PublicKey publicKey(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key (PEM 'PUBLIC KEY' expected)", e);
        }
    }

    public static PrivateKey privateKey(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA private key (PEM 'PRIVATE KEY', PKCS#8, expected)", e);
        }
    }

    public static String toPem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String pem, String type) {
        String body = pem.replace("-----BEGIN " + type + "-----", "").replace("-----END " + type + "-----", "")
                .replaceAll("\\s", "");
        if (body.contains("-----")) throw new IllegalArgumentException("PEM of type " + type + " expected");
        return Base64.getDecoder().decode(body);
    }
}
