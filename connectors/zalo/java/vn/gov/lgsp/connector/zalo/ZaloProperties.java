package vn.gov.lgsp.connector.zalo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Zalo ZNS / OA settings (connectors/zalo/config.yml). Secrets come from environment variables. */
@Validated
@ConfigurationProperties(prefix = "hub.partners.zalo")
public class ZaloProperties implements vn.gov.lgsp.hub.ops.PartnerAddresses {
    @Override
    public String partner() {
        return "zalo";
    }

    @Override
    public java.util.Map<String, String> addresses() {
        return java.util.Map.of("base-url", String.valueOf(getBaseUrl()), "oauth-url", String.valueOf(getOauthUrl()), "oa-api-url", String.valueOf(getOaApiUrl()));
    }

    private String baseUrl = "https://business.openapi.zalo.me";
    private String oauthUrl = "https://oauth.zaloapp.com";
    private String oaApiUrl = "https://openapi.zalo.me";
    private String appId = "";
    private String appSecret = "";
    private String oaSecret = "";
    private String initialRefreshToken = "";
    private boolean developmentMode;
    private Duration refreshBefore = Duration.ofHours(1);
    private Duration noZaloFor = Duration.ofDays(30);
    private List<Integer> fallbackCodes = new ArrayList<>(List.of(-118, -114));
    private List<Integer> quotaCodes = new ArrayList<>(List.of(-144));
    private List<Integer> tokenCodes = new ArrayList<>(List.of(-124, -216, -220));
    private Duration webhookDrainInterval = Duration.ofSeconds(2);
    /**
     * A webhook event that failed (or a receipt that came before its send was recorded) is tried again after this
     * long times its attempts so far: 2, 4, 6, 8 s by default, about 20 s before it is written off.
     */
    private Duration webhookRetryAfter = Duration.ofSeconds(2);
    /** A webhook's signed timestamp must lie this close to now; its signature is refused a second time within it. */
    private Duration webhookMaxSkew = Duration.ofMinutes(5);
    /**
     * ZNS sends held in memory until their delivery receipt comes (about 500 bytes each: 50 MB of heap when full), so
     * that the receipt is applied as it is stored; a receipt whose send is no longer held goes the stored way (stored,
     * claimed, applied: two more transactions). Size it to the sends of the longest receipt delay expected at the peak
     * rate: flat out, receipts came 20 s and more behind their sends (bench/PROFILING.md, "A thirty-fifth look").
     * 0 holds none (every receipt the stored way); a negative value is refused at startup.
     */
    @jakarta.validation.constraints.PositiveOrZero
    private int receiptsAwaited = 100_000;
    /** HTTP to Zalo's APIs. */
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration responseTimeout = Duration.ofSeconds(15);
    private int maxConnections = 32;
    private String provinceHotline = "";
    private Map<String, Template> templates = new LinkedHashMap<>();
    private Map<String, String> lookup = new LinkedHashMap<>();
    private Rating rating = new Rating();

    /** Citizen satisfaction: the rating invitation after the result (hub.partners.zalo.rating). */
    public static class Rating {
        /** false: no invitation is planned (ratings already planned are still sent). */
        private boolean enabled = true;
        /** How long after the result reached the citizen the invitation goes out. */
        private Duration delay = Duration.ofHours(2);
        /**
         * No invitation is sent (ZNS or SMS) from quiet-start to quiet-end: one due then waits for quiet-end. Unset:
         * the SMS connector's hub.partners.sms.quiet-start / quiet-end (21:00 / 07:00), see {@link ZaloConfig}.
         */
        private java.time.LocalTime quietStart;
        private java.time.LocalTime quietEnd;
        private String zone = "Asia/Ho_Chi_Minh";
        /** How often due invitations are handed to the zalo queue. */
        private Duration releaseInterval = Duration.ofSeconds(30);
        /** Reasons given with a ZNS rating are cut to this many. */
        private int maxReasons = 20;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getDelay() { return delay; }
        public void setDelay(Duration delay) { this.delay = delay; }
        public java.time.LocalTime getQuietStart() { return quietStart; }
        public void setQuietStart(java.time.LocalTime quietStart) { this.quietStart = quietStart; }
        public java.time.LocalTime getQuietEnd() { return quietEnd; }
        public void setQuietEnd(java.time.LocalTime quietEnd) { this.quietEnd = quietEnd; }
        public String getZone() { return zone; }
        public void setZone(String zone) { this.zone = zone; }
        public Duration getReleaseInterval() { return releaseInterval; }
        public void setReleaseInterval(Duration releaseInterval) { this.releaseInterval = releaseInterval; }
        public int getMaxReasons() { return maxReasons; }
        public void setMaxReasons(int maxReasons) { this.maxReasons = maxReasons; }

        /** Inside [quietStart, quietEnd) in the zone; the window may span midnight. */
        public boolean quiet(java.time.Instant at) {
            if (quietStart == null || quietEnd == null) return false;
            java.time.LocalTime t = at.atZone(java.time.ZoneId.of(zone)).toLocalTime();
            if (quietStart.equals(quietEnd)) return false;
            return quietStart.isBefore(quietEnd) ? !t.isBefore(quietStart) && t.isBefore(quietEnd)
                    : !t.isBefore(quietStart) || t.isBefore(quietEnd);
        }

        /** {@code at}, or the end of the quiet period it falls in. */
        public java.time.Instant outsideQuietHours(java.time.Instant at) {
            if (!quiet(at)) return at;
            java.time.ZonedDateTime z = at.atZone(java.time.ZoneId.of(zone));
            java.time.ZonedDateTime end = z.with(quietEnd).withSecond(0).withNano(0);
            if (!end.isAfter(z)) end = end.plusDays(1);
            return end.toInstant();
        }
    }

    public Rating getRating() { return rating; }
    public void setRating(Rating rating) { this.rating = rating; }

    public static class Template {
        private String templateId;
        /** The fact whose value makes a second message of this type for one dossier legitimate. */
        private String dedupeOn;
        /** Urgent messages (the apology) ignore quiet hours on the SMS fallback. */
        private boolean urgent;
        private Map<String, Param> params = new LinkedHashMap<>();

        public String getTemplateId() { return templateId; }
        public void setTemplateId(String templateId) { this.templateId = templateId; }
        public String getDedupeOn() { return dedupeOn; }
        public void setDedupeOn(String dedupeOn) { this.dedupeOn = dedupeOn; }
        public boolean isUrgent() { return urgent; }
        public void setUrgent(boolean urgent) { this.urgent = urgent; }
        public Map<String, Param> getParams() { return params; }
        public void setParams(Map<String, Param> params) { this.params = params; }
    }

    public static class Param {
        private String value = "";
        private int max = 100;

        public String getValue() { return value; }
        public void setValue(String value) { this.value = value; }
        public int getMax() { return max; }
        public void setMax(int max) { this.max = max; }
    }

    public String getBaseUrl() { return baseUrl; }
    public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    public String getOauthUrl() { return oauthUrl; }
    public void setOauthUrl(String oauthUrl) { this.oauthUrl = oauthUrl; }
    public String getOaApiUrl() { return oaApiUrl; }
    public void setOaApiUrl(String oaApiUrl) { this.oaApiUrl = oaApiUrl; }
    public String getAppId() { return appId; }
    public void setAppId(String appId) { this.appId = appId; }
    public String getAppSecret() { return appSecret; }
    public void setAppSecret(String appSecret) { this.appSecret = appSecret; }
    public String getOaSecret() { return oaSecret; }
    public void setOaSecret(String oaSecret) { this.oaSecret = oaSecret; }
    public String getInitialRefreshToken() { return initialRefreshToken; }
    public void setInitialRefreshToken(String initialRefreshToken) { this.initialRefreshToken = initialRefreshToken; }
    public boolean isDevelopmentMode() { return developmentMode; }
    public void setDevelopmentMode(boolean developmentMode) { this.developmentMode = developmentMode; }
    public Duration getRefreshBefore() { return refreshBefore; }
    public void setRefreshBefore(Duration refreshBefore) { this.refreshBefore = refreshBefore; }
    public Duration getNoZaloFor() { return noZaloFor; }
    public void setNoZaloFor(Duration noZaloFor) { this.noZaloFor = noZaloFor; }
    public List<Integer> getFallbackCodes() { return fallbackCodes; }
    public void setFallbackCodes(List<Integer> fallbackCodes) { this.fallbackCodes = fallbackCodes; }
    public List<Integer> getQuotaCodes() { return quotaCodes; }
    public void setQuotaCodes(List<Integer> quotaCodes) { this.quotaCodes = quotaCodes; }
    public List<Integer> getTokenCodes() { return tokenCodes; }
    public void setTokenCodes(List<Integer> tokenCodes) { this.tokenCodes = tokenCodes; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getResponseTimeout() { return responseTimeout; }
    public void setResponseTimeout(Duration responseTimeout) { this.responseTimeout = responseTimeout; }
    public int getMaxConnections() { return maxConnections; }
    public void setMaxConnections(int maxConnections) { this.maxConnections = maxConnections; }
    public int getReceiptsAwaited() { return receiptsAwaited; }
    public void setReceiptsAwaited(int receiptsAwaited) { this.receiptsAwaited = receiptsAwaited; }
    public Duration getWebhookMaxSkew() { return webhookMaxSkew; }
    public void setWebhookMaxSkew(Duration webhookMaxSkew) { this.webhookMaxSkew = webhookMaxSkew; }
    public Duration getWebhookDrainInterval() { return webhookDrainInterval; }
    public void setWebhookDrainInterval(Duration webhookDrainInterval) { this.webhookDrainInterval = webhookDrainInterval; }
    public Duration getWebhookRetryAfter() { return webhookRetryAfter; }
    public void setWebhookRetryAfter(Duration webhookRetryAfter) { this.webhookRetryAfter = webhookRetryAfter; }
    public String getProvinceHotline() { return provinceHotline; }
    public void setProvinceHotline(String provinceHotline) { this.provinceHotline = provinceHotline; }
    public Map<String, Template> getTemplates() { return templates; }
    public void setTemplates(Map<String, Template> templates) { this.templates = templates; }
    public Map<String, String> getLookup() { return lookup; }
    public void setLookup(Map<String, String> lookup) { this.lookup = lookup; }
}
