package vn.gov.lgsp.connector.vietinbank;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VietinbankSignatureTest {
    static KeyPair bank;
    static KeyPair other;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        bank = g.generateKeyPair();
        other = g.generateKeyPair();
    }

    static VietinbankNotification ipn(String remark) {
        return new VietinbankNotification("M1", "LGSP", "T100", "20250801093000", "C", "LG0000000001", "970436",
                "0011001234567", "NGUYEN VAN AN", "113366668888", "UBND", null, null, "75000", "FT1", remark, "VND", null);
    }

    @Test
    void ipnSigningStringConcatenatesTheDocumentedFieldsSkippingEmptyOnes() {
        assertThat(VietinbankSignatures.ipnSigningString(ipn("Thanh toan")))
                .isEqualTo("T10020250801093000LG000000000175000FT1Thanh toan");
        assertThat(VietinbankSignatures.ipnSigningString(ipn(null)))
                .isEqualTo("T10020250801093000LG000000000175000FT1");
        assertThat(VietinbankSignatures.replySigningString("T100", "00", "Success")).isEqualTo("T10000Success");
    }

    @Test
    void signatureVerifiesThroughPemRoundTripAndFailsForAnyChange() {
        String pub = VietinbankSignatures.toPem("PUBLIC KEY", bank.getPublic().getEncoded());
        String priv = VietinbankSignatures.toPem("PRIVATE KEY", bank.getPrivate().getEncoded());
        VietinbankNotification n = ipn("Thanh toan");
        String sig = VietinbankSignatures.sign(VietinbankSignatures.ipnSigningString(n), VietinbankSignatures.privateKey(priv));
        var key = VietinbankSignatures.publicKey(pub);
        assertThat(VietinbankSignatures.verify(VietinbankSignatures.ipnSigningString(n), sig, key)).isTrue();
        // wrong amount with the original signature
        assertThat(VietinbankSignatures.verify(VietinbankSignatures.ipnSigningString(n.withAmount("750000")), sig, key)).isFalse();
        // signed by someone else
        String forged = VietinbankSignatures.sign(VietinbankSignatures.ipnSigningString(n), other.getPrivate());
        assertThat(VietinbankSignatures.verify(VietinbankSignatures.ipnSigningString(n), forged, key)).isFalse();
        // garbage never throws
        assertThat(VietinbankSignatures.verify("x", "not base64 !!", key)).isFalse();
        assertThat(VietinbankSignatures.verify("x", null, key)).isFalse();
        assertThat(VietinbankSignatures.verify("x", "", key)).isFalse();
    }

    @Test
    void maskedCopyHidesThePayersNameAndAccount() {
        VietinbankNotification m = ipn("r").masked();
        assertThat(m.sendAcctName()).isEqualTo("N*** V*** A***");
        assertThat(m.sendAcctId()).isEqualTo("*********4567");
        assertThat(m.amount()).isEqualTo("75000");
    }
}
