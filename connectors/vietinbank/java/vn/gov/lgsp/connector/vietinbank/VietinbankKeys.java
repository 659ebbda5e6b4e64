package vn.gov.lgsp.connector.vietinbank;

import java.security.PrivateKey;
import java.security.PublicKey;
import org.springframework.stereotype.Component;

/**
 * The parsed keys, re-parsed only when the configured PEM changes (the simulator installs its keys after the
 * properties are bound; an operator may rotate them through configuration refresh).
 */
@Component
public class VietinbankKeys {
    private final VietinbankProperties props;
    private volatile Cached<PublicKey> bank;
    private volatile Cached<PrivateKey> hub;

    private record Cached<K>(String pem, K key) {}

    public VietinbankKeys(VietinbankProperties props) {
        this.props = props;
    }

    public PublicKey bankPublicKey() {
        String pem = props.bankPublicKeyPem();
        Cached<PublicKey> c = bank;
        if (c == null || !c.pem().equals(pem)) bank = c = new Cached<>(pem, VietinbankSignatures.publicKey(pem));
        return c.key();
    }

    public PrivateKey hubPrivateKey() {
        String pem = props.hubPrivateKeyPem();
        Cached<PrivateKey> c = hub;
        if (c == null || !c.pem().equals(pem)) hub = c = new Cached<>(pem, VietinbankSignatures.privateKey(pem));
        return c.key();
    }
}
