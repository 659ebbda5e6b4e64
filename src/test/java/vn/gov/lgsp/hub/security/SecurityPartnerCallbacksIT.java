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

/** Partner callbacks without a hub token: their own credentials, a time window, repeats taken once; refusals counted and audited. */
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
        HttpResponse<String> first = postZalo(fresh, signature);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("accepted");
        // the very same delivery again (Zalo delivers an event more than once): answered as a duplicate, stored once
        HttpResponse<String> again = postZalo(fresh, signature);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("duplicate");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE payload = ?", Long.class, fresh)).isEqualTo(1);

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
                + " AND message_type = 'REFUSED_CALL' AND detail LIKE 'stale%'", Long.class) > 0);
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

    @Test
    void anSmsDeliveryReportRetriedAfterALaterOneLeavesTheMessageAtItsLatestStatus() throws Exception {
        String smsId = "late-" + UUID.randomUUID();
        String messageId = "sms-late-" + UUID.randomUUID();
        jdbc.update("INSERT INTO sms_message (message_id, event_type, phone, content, segments, status, sms_id, sent_at)"
                + " VALUES (?, 'DOSSIER_RECEIVED', '0912000118', 'Ho so da tiep nhan', 1, 'SENT', ?, now())", messageId, smsId);
        assertThat(dlr(smsId, sms.getDlrKey(), 7).statusCode()).isEqualTo(200);
        assertThat(deliveryStatus(messageId)).isEqualTo(7);
        assertThat(dlr(smsId, sms.getDlrKey(), 5).statusCode()).isEqualTo(200);
        assertThat(deliveryStatus(messageId)).isEqualTo(5);
        // the gateway's retry of the earlier report, after the later one: recorded, but the SMS stays sent
        assertThat(dlr(smsId, sms.getDlrKey(), 2).statusCode()).isEqualTo(200);
        assertThat(deliveryStatus(messageId)).isEqualTo(5);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sms_delivery_report WHERE sms_id = ?", Long.class, smsId)).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT delivered_at IS NOT NULL FROM sms_message WHERE message_id = ?", Boolean.class, messageId)).isTrue();
    }

    private Integer deliveryStatus(String messageId) {
        return jdbc.queryForObject("SELECT delivery_status FROM sms_message WHERE message_id = ?", Integer.class, messageId);
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
        return dlr(smsId, key, 5);
    }

    private HttpResponse<String> dlr(String smsId, String key, int sendStatus) throws Exception {
        String q = "/api/v1/partners/sms/dlr?SMSID=" + smsId + "&SendStatus=" + sendStatus + (key == null ? "" : "&key=" + key);
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + q)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private double refused(String endpoint, String reason) {
        var c = metrics.find("hub.security.refused").tag("endpoint", endpoint).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }
}
