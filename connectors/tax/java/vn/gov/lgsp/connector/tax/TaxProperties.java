package vn.gov.lgsp.connector.tax;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;
import vn.gov.lgsp.hub.soap.SoapPartnerProperties;

/** Tax office exchange (connectors/tax/config.yml). Secrets come from HUB_TAX_* environment variables. */
@Validated
@ConfigurationProperties(prefix = "hub.partners.tax")
public class TaxProperties extends SoapPartnerProperties {
    /** The tax office's credential on its callbacks to the hub (WS-Security UsernameToken). */
    private String callbackUsername = "tax-office";
    private String callbackPassword = "";
    /** The UsernameToken's Created must be this close to the hub's clock (and its nonce is not accepted twice). */
    private Duration callbackMaxSkew = Duration.ofMinutes(5);
    /** No answer this long after the declaration was received: ask the tax office for its state, then overdue. */
    private Duration answerTimeout = Duration.ofDays(5);
    private Duration overdueCheckInterval = Duration.ofMinutes(5);
    private Duration relayInterval = Duration.ofSeconds(1);
    private Organ hub = new Organ("000.00.00.H45", "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh");
    private Organ office = new Organ("G12.45", "Cục Thuế tỉnh Quảng Ninh");
    private String place = "Quảng Ninh";
    /** The hub's edXML signing key (name and secret), and the keys it accepts from the tax office, by name. */
    private String signingKeyName = "lgsp-h45";
    private String signingKey = "";
    private Map<String, String> verifyKeys = new LinkedHashMap<>();

    public static class Organ {
        private String id;
        private String name;

        public Organ() {}
        public Organ(String id, String name) { this.id = id; this.name = name; }
        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
    }

    public Map<String, byte[]> verifyKeyBytes() {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        verifyKeys.forEach((k, v) -> { if (v != null && !v.isBlank()) keys.put(k, v.getBytes(StandardCharsets.UTF_8)); });
        return keys;
    }

    public String getCallbackUsername() { return callbackUsername; }
    public void setCallbackUsername(String callbackUsername) { this.callbackUsername = callbackUsername; }
    public String getCallbackPassword() { return callbackPassword; }
    public void setCallbackPassword(String callbackPassword) { this.callbackPassword = callbackPassword; }
    public Duration getCallbackMaxSkew() { return callbackMaxSkew; }
    public void setCallbackMaxSkew(Duration callbackMaxSkew) { this.callbackMaxSkew = callbackMaxSkew; }
    public Duration getAnswerTimeout() { return answerTimeout; }
    public void setAnswerTimeout(Duration answerTimeout) { this.answerTimeout = answerTimeout; }
    public Duration getOverdueCheckInterval() { return overdueCheckInterval; }
    public void setOverdueCheckInterval(Duration overdueCheckInterval) { this.overdueCheckInterval = overdueCheckInterval; }
    public Duration getRelayInterval() { return relayInterval; }
    public void setRelayInterval(Duration relayInterval) { this.relayInterval = relayInterval; }
    public Organ getHub() { return hub; }
    public void setHub(Organ hub) { this.hub = hub; }
    public Organ getOffice() { return office; }
    public void setOffice(Organ office) { this.office = office; }
    public String getPlace() { return place; }
    public void setPlace(String place) { this.place = place; }
    public String getSigningKeyName() { return signingKeyName; }
    public void setSigningKeyName(String signingKeyName) { this.signingKeyName = signingKeyName; }
    public String getSigningKey() { return signingKey; }
    public void setSigningKey(String signingKey) { this.signingKey = signingKey; }
    public Map<String, String> getVerifyKeys() { return verifyKeys; }
    public void setVerifyKeys(Map<String, String> verifyKeys) { this.verifyKeys = verifyKeys; }
}
