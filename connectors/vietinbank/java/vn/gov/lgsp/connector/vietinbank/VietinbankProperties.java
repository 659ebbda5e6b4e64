package vn.gov.lgsp.connector.vietinbank;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * VietinBank fee collection. Keys are PEM text (from environment variables) or PEM files; neither is ever
 * committed. They are read at use time, not at start-up, so the test simulator can install its generated keys.
 */
@Validated
@ConfigurationProperties(prefix = "hub.partners.vietinbank")
public class VietinbankProperties implements vn.gov.lgsp.hub.ops.PartnerAddresses {
    @Override
    public String partner() {
        return "vietinbank";
    }

    @Override
    public java.util.Map<String, String> addresses() {
        return java.util.Map.of("statement-url", String.valueOf(getStatementUrl()));
    }

    /** NAPAS BIN of VietinBank, used in the VietQR. */
    @NotBlank @Pattern(regexp = "\\d{6}") private String bankBin = "970415";
    /** Collection account the payments go to (MUST in production). */
    @NotBlank @Size(max = 19) private String account = "0000000000";
    /** Virtual account for fee collection; when set the VietQR points at it instead of the account. */
    private String virtualAccount;
    /** Provider id the bank assigned to the hub (IPN field providerId, <= 5 chars). */
    @NotBlank @Size(max = 5) private String providerId = "LGSP";
    /** How long a payment code can be paid. */
    @NotNull private Duration expiry = Duration.ofDays(7);
    /** The bank's RSA public key (PEM), verifying IPN signatures: HUB_VIETINBANK_BANK_PUBLIC_KEY or a file. */
    private String bankPublicKey;
    private String bankPublicKeyFile;
    /** The hub's RSA private key (PEM, PKCS#8), signing replies: HUB_VIETINBANK_HUB_PRIVATE_KEY or a file. */
    private String hubPrivateKey;
    private String hubPrivateKeyFile;
    /**
     * The link to the QR image the citizen is sent (PAYMENT_REQUESTED detail.qrUrl, ZNS parameter qr_url, at most
     * 200 characters): {bankBin}, {account}, {amount} and {custCode} are filled in. The default is VietQR.io's quick
     * link, which draws the same VietQR (bank, account, amount, payment code as the purpose).
     */
    @NotBlank @Pattern(regexp = "https://.*") private String qrLink =
            "https://img.vietqr.io/image/{bankBin}-{account}-compact.png?amount={amount}&addInfo={custCode}";
    /** Statement service: GET {statementUrl}/{yyyy-MM-dd}. */
    private String statementUrl;
    private String clientId;
    private String clientSecret;
    /** Daily reconciliation (Spring cron, Vietnam time; "-" disables); it reconciles the previous day. */
    @NotBlank private String reconciliationCron = "0 30 1 * * *";
    /** How often the outbox relay looks for unpublished updates (it is also woken after each payment). */
    @NotNull private Duration outboxInterval = Duration.ofSeconds(2);
    @Min(1) @Max(10_000) private int outboxBatch = 200;

    /** The account the VietQR points at. */
    public String qrAccount() {
        return virtualAccount != null && !virtualAccount.isBlank() ? virtualAccount : account;
    }

    /** The QR image link for one payment code. */
    public String qrLinkFor(String custCode, long amount) {
        return qrLink.replace("{bankBin}", bankBin).replace("{account}", qrAccount())
                .replace("{amount}", Long.toString(amount)).replace("{custCode}", custCode);
    }

    public String bankPublicKeyPem() {
        return pem(bankPublicKey, bankPublicKeyFile, "bank-public-key");
    }

    public String hubPrivateKeyPem() {
        return pem(hubPrivateKey, hubPrivateKeyFile, "hub-private-key");
    }

    private static String pem(String text, String file, String name) {
        if (text != null && !text.isBlank()) return text;
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException("hub.partners.vietinbank." + name + "-file unreadable", e);
            }
        }
        throw new IllegalStateException("hub.partners.vietinbank." + name + " is not configured");
    }

    public String getBankBin() { return bankBin; }
    public void setBankBin(String bankBin) { this.bankBin = bankBin; }
    public String getAccount() { return account; }
    public void setAccount(String account) { this.account = account; }
    public String getVirtualAccount() { return virtualAccount; }
    public void setVirtualAccount(String virtualAccount) { this.virtualAccount = virtualAccount; }
    public String getProviderId() { return providerId; }
    public void setProviderId(String providerId) { this.providerId = providerId; }
    public Duration getExpiry() { return expiry; }
    public void setExpiry(Duration expiry) { this.expiry = expiry; }
    public String getBankPublicKey() { return bankPublicKey; }
    public void setBankPublicKey(String bankPublicKey) { this.bankPublicKey = bankPublicKey; }
    public String getBankPublicKeyFile() { return bankPublicKeyFile; }
    public void setBankPublicKeyFile(String bankPublicKeyFile) { this.bankPublicKeyFile = bankPublicKeyFile; }
    public String getHubPrivateKey() { return hubPrivateKey; }
    public void setHubPrivateKey(String hubPrivateKey) { this.hubPrivateKey = hubPrivateKey; }
    public String getHubPrivateKeyFile() { return hubPrivateKeyFile; }
    public void setHubPrivateKeyFile(String hubPrivateKeyFile) { this.hubPrivateKeyFile = hubPrivateKeyFile; }
    public String getQrLink() { return qrLink; }
    public void setQrLink(String qrLink) { this.qrLink = qrLink; }
    public String getStatementUrl() { return statementUrl; }
    public void setStatementUrl(String statementUrl) { this.statementUrl = statementUrl; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getClientSecret() { return clientSecret; }
    public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
    public String getReconciliationCron() { return reconciliationCron; }
    public void setReconciliationCron(String reconciliationCron) { this.reconciliationCron = reconciliationCron; }
    public Duration getOutboxInterval() { return outboxInterval; }
    public void setOutboxInterval(Duration outboxInterval) { this.outboxInterval = outboxInterval; }
    public int getOutboxBatch() { return outboxBatch; }
    public void setOutboxBatch(int outboxBatch) { this.outboxBatch = outboxBatch; }
}
