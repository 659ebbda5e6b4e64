package vn.gov.lgsp.connector.vnpost;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The VNPost connector's configuration (connectors/vnpost/config.yml). Credentials and the push secret come from
 * environment variables (HUB_VNPOST_USERNAME, HUB_VNPOST_PASSWORD, HUB_VNPOST_PUSH_SECRET), never from files.
 *
 * <p>The base URL is read at call time, so the demo/test simulator can point it at itself after start-up.
 */
@Validated
@ConfigurationProperties(prefix = "hub.partners.vnpost")
public class VnpostProperties implements vn.gov.lgsp.hub.ops.PartnerAddresses {
    @Override
    public String partner() {
        return "vnpost";
    }

    @Override
    public java.util.Map<String, String> addresses() {
        return java.util.Map.of("base-url", String.valueOf(getBaseUrl()));
    }

    /** MUST: MyVNPost API root, e.g. https://connect-my.vnpost.vn/customer-partner (no trailing slash needed). */
    @NotBlank private String baseUrl = "https://my-uat.vnpost.vn/MYVNP_API";
    /** MUST: API account (HUB_VNPOST_USERNAME / HUB_VNPOST_PASSWORD). */
    private String username;
    private String password;
    /** MUST: the province's VNPost customer code (customerCode of every order). */
    @NotBlank private String customerCode = "LGSP";
    @NotNull private Duration connectTimeout = Duration.ofSeconds(3);
    @NotNull private Duration readTimeout = Duration.ofSeconds(15);
    /** Token lifetime when VNPost does not say; and how long before expiry we refresh. */
    @NotNull private Duration tokenTtl = Duration.ofHours(1);
    @NotNull private Duration tokenRefreshBefore = Duration.ofMinutes(2);
    /** Agencies by one-stop agency code (write codes with dots as "[000.00.21.H45]"); "default" is the fallback. */
    @Valid private Map<String, Agency> agencies = new LinkedHashMap<>();
    @Valid @NotNull private Poll poll = new Poll();
    @Valid @NotNull private Push push = new Push();

    public Agency agency(String agencyCode) {
        Agency a = agencyCode == null ? null : agencies.get(agencyCode);
        if (a == null) a = agencies.get("default");
        if (a == null) throw new IllegalStateException("no VNPost agency configuration for " + agencyCode + " and no default");
        return a;
    }

    /** The sending/receiving post point of an agency (its one-stop counter) and its VNPost contract. */
    public static class Agency {
        @NotBlank private String name;
        @NotBlank private String phone;
        @NotBlank private String address;
        @NotBlank private String provinceCode;
        /** Blank after the July 2025 reform: sent as the constant "VNPOST". */
        private String districtCode;
        @NotBlank private String communeCode;
        @NotBlank private String contractCode;
        /** VNPost service, e.g. CTN009 (domestic express); pickup and delivery may differ. */
        @NotBlank private String pickupServiceCode = "CTN009";
        @NotBlank private String deliveryServiceCode = "CTN009";
        /** Declared weight in grams of a dossier / a result envelope. */
        @Min(1) private int pickupWeightGrams = 500;
        @Min(1) private int deliveryWeightGrams = 200;

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getPhone() { return phone; }
        public void setPhone(String phone) { this.phone = phone; }
        public String getAddress() { return address; }
        public void setAddress(String address) { this.address = address; }
        public String getProvinceCode() { return provinceCode; }
        public void setProvinceCode(String provinceCode) { this.provinceCode = provinceCode; }
        public String getDistrictCode() { return districtCode; }
        public void setDistrictCode(String districtCode) { this.districtCode = districtCode; }
        public String getCommuneCode() { return communeCode; }
        public void setCommuneCode(String communeCode) { this.communeCode = communeCode; }
        public String getContractCode() { return contractCode; }
        public void setContractCode(String contractCode) { this.contractCode = contractCode; }
        public String getPickupServiceCode() { return pickupServiceCode; }
        public void setPickupServiceCode(String pickupServiceCode) { this.pickupServiceCode = pickupServiceCode; }
        public String getDeliveryServiceCode() { return deliveryServiceCode; }
        public void setDeliveryServiceCode(String deliveryServiceCode) { this.deliveryServiceCode = deliveryServiceCode; }
        public int getPickupWeightGrams() { return pickupWeightGrams; }
        public void setPickupWeightGrams(int pickupWeightGrams) { this.pickupWeightGrams = pickupWeightGrams; }
        public int getDeliveryWeightGrams() { return deliveryWeightGrams; }
        public void setDeliveryWeightGrams(int deliveryWeightGrams) { this.deliveryWeightGrams = deliveryWeightGrams; }
    }

    /** The tracking poller: VNPost publishes no webhook, so open orders are polled. */
    public static class Poll {
        private boolean enabled = true;
        @NotNull private Duration interval = Duration.ofMinutes(5);
        /** Before the first round after a start (read by VnpostPolling's schedule). */
        @NotNull private Duration initialDelay = Duration.ofSeconds(10);
        /** Open orders per poll round. */
        @Min(1) private int batchSize = 200;
        /** GetStatusHistoryOrder calls per second (this instance). */
        @Min(1) private double requestsPerSecond = 5;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public Duration getInitialDelay() { return initialDelay; }
        public void setInitialDelay(Duration initialDelay) { this.initialDelay = initialDelay; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public double getRequestsPerSecond() { return requestsPerSecond; }
        public void setRequestsPerSecond(double requestsPerSecond) { this.requestsPerSecond = requestsPerSecond; }
    }

    /** The push endpoint POST /api/v1/partners/vnpost/status, authenticated by HMAC-SHA256. */
    public static class Push {
        /** HUB_VNPOST_PUSH_SECRET; when blank every push is refused. */
        private String hmacSecret;
        /** Accepted clock difference of the X-Vnpost-Timestamp header (replay window). */
        @NotNull private Duration maxSkew = Duration.ofMinutes(5);

        public String getHmacSecret() { return hmacSecret; }
        public void setHmacSecret(String hmacSecret) { this.hmacSecret = hmacSecret; }
        public Duration getMaxSkew() { return maxSkew; }
        public void setMaxSkew(Duration maxSkew) { this.maxSkew = maxSkew; }
    }

    public String getBaseUrl() { return baseUrl; }
    public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getCustomerCode() { return customerCode; }
    public void setCustomerCode(String customerCode) { this.customerCode = customerCode; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
    public Duration getTokenTtl() { return tokenTtl; }
    public void setTokenTtl(Duration tokenTtl) { this.tokenTtl = tokenTtl; }
    public Duration getTokenRefreshBefore() { return tokenRefreshBefore; }
    public void setTokenRefreshBefore(Duration tokenRefreshBefore) { this.tokenRefreshBefore = tokenRefreshBefore; }
    public Map<String, Agency> getAgencies() { return agencies; }
    public void setAgencies(Map<String, Agency> agencies) { this.agencies = agencies; }
    public Poll getPoll() { return poll; }
    public void setPoll(Poll poll) { this.poll = poll; }
    public Push getPush() { return push; }
    public void setPush(Push push) { this.push = push; }
}
