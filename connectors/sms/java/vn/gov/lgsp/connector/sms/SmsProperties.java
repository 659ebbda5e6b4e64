package vn.gov.lgsp.connector.sms;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** SMS brandname gateway settings (connectors/sms/config.yml). Credentials come from environment variables. */
@Validated
@ConfigurationProperties(prefix = "hub.partners.sms")
public class SmsProperties implements vn.gov.lgsp.hub.ops.PartnerAddresses {
    @Override
    public String partner() {
        return "sms";
    }

    @Override
    public java.util.Map<String, String> addresses() {
        return java.util.Map.of("gateway-url", String.valueOf(getGatewayUrl()));
    }

    private String gatewayUrl = "";
    /** The hub's account at the gateway, sent in every request (ApiKey, SecretKey); never logged or audited. */
    private String apiKey = "";
    private String secretKey = "";
    private String username = "";
    private String password = "";
    private String brandname = "";
    private int smsType = 2;
    private boolean unicode;
    private int maxSegments = 2;
    private String callbackUrl = "";
    private String dlrKey = "";
    private LocalTime quietStart = LocalTime.of(21, 0);
    private LocalTime quietEnd = LocalTime.of(7, 0);
    private String zone = "Asia/Ho_Chi_Minh";
    private Duration releaseInterval = Duration.ofSeconds(30);
    private List<Integer> notReachableCodes = new ArrayList<>(List.of(99, 108, 177));
    private List<Integer> rejectedCodes = new ArrayList<>(List.of(101, 104, 140, 146));
    private List<String> shrink = new ArrayList<>(List.of("procedure", "items", "reason", "name"));
    private Map<String, String> templates = new LinkedHashMap<>();

    public String getGatewayUrl() { return gatewayUrl; }
    public void setGatewayUrl(String gatewayUrl) { this.gatewayUrl = gatewayUrl; }
    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    public String getSecretKey() { return secretKey; }
    public void setSecretKey(String secretKey) { this.secretKey = secretKey; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getBrandname() { return brandname; }
    public void setBrandname(String brandname) { this.brandname = brandname; }
    public int getSmsType() { return smsType; }
    public void setSmsType(int smsType) { this.smsType = smsType; }
    public boolean isUnicode() { return unicode; }
    public void setUnicode(boolean unicode) { this.unicode = unicode; }
    public int getMaxSegments() { return maxSegments; }
    public void setMaxSegments(int maxSegments) { this.maxSegments = maxSegments; }
    public String getCallbackUrl() { return callbackUrl; }
    public void setCallbackUrl(String callbackUrl) { this.callbackUrl = callbackUrl; }
    public String getDlrKey() { return dlrKey; }
    public void setDlrKey(String dlrKey) { this.dlrKey = dlrKey; }
    public LocalTime getQuietStart() { return quietStart; }
    public void setQuietStart(LocalTime quietStart) { this.quietStart = quietStart; }
    public LocalTime getQuietEnd() { return quietEnd; }
    public void setQuietEnd(LocalTime quietEnd) { this.quietEnd = quietEnd; }
    public String getZone() { return zone; }
    public void setZone(String zone) { this.zone = zone; }
    public Duration getReleaseInterval() { return releaseInterval; }
    public void setReleaseInterval(Duration releaseInterval) { this.releaseInterval = releaseInterval; }
    public List<Integer> getNotReachableCodes() { return notReachableCodes; }
    public void setNotReachableCodes(List<Integer> notReachableCodes) { this.notReachableCodes = notReachableCodes; }
    public List<Integer> getRejectedCodes() { return rejectedCodes; }
    public void setRejectedCodes(List<Integer> rejectedCodes) { this.rejectedCodes = rejectedCodes; }
    public List<String> getShrink() { return shrink; }
    public void setShrink(List<String> shrink) { this.shrink = shrink; }
    public Map<String, String> getTemplates() { return templates; }
    public void setTemplates(Map<String, String> templates) { this.templates = templates; }
}
