package vn.gov.lgsp.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.sms.SmsProperties;
import vn.gov.lgsp.connector.zalo.ZaloProperties;
import vn.gov.lgsp.connector.zalo.ZaloWebhookServlet;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;

/** Partner callbacks without a hub token: their own credentials, a time window, a replay guard; refusals counted and audited. */
@HubIntegrationTest
class SecurityPartnerCallbacksIT {
    @Autowired ZaloProperties zalo;
    @Autowired SmsProperties sms;
    @Autowired MeterRegistry metrics;
    @Autowired JdbcTemplate jdbc;
    @LocalServerPort int port;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void aZaloWebhookIsTakenOnceWithinItsWindowAndNeverWhenStale() throws Exception {
        String fresh = event(System.currentTimeMillis());
        String signature = ZaloWebhookServlet.sign(zalo.getAppId(), fresh, timestampOf(fresh), zalo.getOaSecret());
        double replayedBefore = refused("partner-zalo", "replayed");
        assertThat(postZalo(fresh, signature).statusCode()).isEqualTo(200);
        HttpResponse<String> again = postZalo(fresh, signature);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("signature already used");
        assertThat(refused("partner-zalo", "replayed")).isEqualTo(replayedBefore + 1);

        String stale = event(System.currentTimeMillis() - Duration.ofMinutes(10).toMillis());
        double staleBefore = refused("partner-zalo", "stale_timestamp");
        HttpResponse<String> old = postZalo(stale, ZaloWebhookServlet.sign(zalo.getAppId(), stale, timestampOf(stale), zalo.getOaSecret()));
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(old.body()).contains("timestamp outside");
        assertThat(refused("partner-zalo", "stale_timestamp")).isEqualTo(staleBefore + 1);

        double forgedBefore = refused("partner-zalo", "bad_signature");
        assertThat(postZalo(event(System.currentTimeMillis()), "0".repeat(64)).statusCode()).isEqualTo(401);
        assertThat(refused("partner-zalo", "bad_signature")).isEqualTo(forgedBefore + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE party = 'zalo'"
                + " AND message_type = 'REFUSED_CALL' AND detail LIKE 'replayed%'", Long.class) > 0);
    }

    @Test
    void smsDeliveryReportsNeedTheKeyAndAreAllRefusedWhileNoneIsSet() throws Exception {
        String key = sms.getDlrKey();
        assertThat(key).isNotBlank();
        String smsId = "sec-" + UUID.randomUUID();
        assertThat(dlr(smsId, "wrong").statusCode()).isEqualTo(401);
        assertThat(dlr(smsId, null).statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sms_delivery_report WHERE sms_id = ?", Long.class, smsId)).isZero();
        double unconfigured = refused("partner-sms", "not_configured");
        sms.setDlrKey("");
        try {
            HttpResponse<String> r = dlr(smsId, "");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("no DLR key is configured");
            assertThat(dlr(smsId, key).statusCode()).isEqualTo(401);
        } finally {
            sms.setDlrKey(key);
        }
        assertThat(refused("partner-sms", "not_configured")).isEqualTo(unconfigured + 2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sms_delivery_report WHERE sms_id = ?", Long.class, smsId)).isZero();
        assertThat(dlr(smsId, key).statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sms_delivery_report WHERE sms_id = ?", Long.class, smsId)).isEqualTo(1);
    }

    private String event(long timestampMillis) {
        return "{\"app_id\":\"" + zalo.getAppId() + "\",\"event_name\":\"security_test\",\"timestamp\":\"" + timestampMillis
                + "\",\"sender\":{\"id\":\"u-" + UUID.randomUUID() + "\"}}";
    }

    private static String timestampOf(String event) {
        int i = event.indexOf("\"timestamp\":\"") + 13;
        return event.substring(i, event.indexOf('"', i));
    }

    private HttpResponse<String> postZalo(String body, String signature) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + ZaloWebhookServlet.PATH))
                .header("Content-Type", "application/json").header("X-ZEvent-Signature", "mac=" + signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> dlr(String smsId, String key) throws Exception {
        String q = "/api/v1/partners/sms/dlr?SMSID=" + smsId + "&SendStatus=5" + (key == null ? "" : "&key=" + key);
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + q)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private double refused(String endpoint, String reason) {
        var c = metrics.find("hub.security.refused").tag("endpoint", endpoint).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }
}
