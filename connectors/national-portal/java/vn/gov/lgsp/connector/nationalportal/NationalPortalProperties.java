package vn.gov.lgsp.connector.nationalportal;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

@Validated
@ConfigurationProperties(prefix = "hub.partners.national-portal")
public class NationalPortalProperties implements vn.gov.lgsp.hub.ops.PartnerAddresses {
    @Override
    public String partner() {
        return "national-portal";
    }

    @Override
    public java.util.Map<String, String> addresses() {
        return java.util.Map.of("base-url", String.valueOf(getBaseUrl()));
    }

    @NotBlank private String baseUrl = "https://dichvucong.gov.vn";
    private String loginPath = "/adapter/login";
    private String integrationPath = "/adapter/integration";
    private String username = "";
    private String password = "";
    @NotBlank private String dstcode = "000.00.00.H45";
    @NotBlank private String madonvi = "000.00.00.H45";
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration responseTimeout = Duration.ofSeconds(20);
    private int maxConnections = 64;
    private Ratings ratings = new Ratings();

    /** Citizens' ratings (CITIZEN_RATED) forwarded to the portal: the hub's proposal, off until the portal takes them. */
    public static class Ratings {
        private boolean enabled = false;
        private String service = "DanhGiaHaiLongMC";

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getService() { return service; }
        public void setService(String service) { this.service = service; }
    }

    public Ratings getRatings() { return ratings; }
    public void setRatings(Ratings ratings) { this.ratings = ratings; }

    public String getBaseUrl() { return baseUrl; }
    public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    public String getLoginPath() { return loginPath; }
    public void setLoginPath(String loginPath) { this.loginPath = loginPath; }
    public String getIntegrationPath() { return integrationPath; }
    public void setIntegrationPath(String integrationPath) { this.integrationPath = integrationPath; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getDstcode() { return dstcode; }
    public void setDstcode(String dstcode) { this.dstcode = dstcode; }
    public String getMadonvi() { return madonvi; }
    public void setMadonvi(String madonvi) { this.madonvi = madonvi; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getResponseTimeout() { return responseTimeout; }
    public void setResponseTimeout(Duration responseTimeout) { this.responseTimeout = responseTimeout; }
    public int getMaxConnections() { return maxConnections; }
    public void setMaxConnections(int maxConnections) { this.maxConnections = maxConnections; }
}
