package vn.gov.lgsp.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.TestTokens;

@HubIntegrationTest
class HubSmokeIT {
    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;

    @Test
    void restEventIsAcceptedDurablyAndAudited() throws Exception {
        String body = new String(getClass().getResourceAsStream("/connectors/onestop/contract/samples/dossier-received.json").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> r = TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(body, h), String.class);
        assertThat(r.getStatusCode().value()).isEqualTo(202);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbound_event WHERE event_id = '0b9b5c1e-6d7f-4a0e-9c55-8f3d2a7e11aa'", Integer.class)).isEqualTo(1);
        ResponseEntity<String> health = TestTokens.as(http, TestTokens.admin()).getForEntity("/actuator/health", String.class);
        assertThat(health.getStatusCode().value()).isEqualTo(200);
        assertThat(health.getBody()).contains("\"kafka\":{\"status\":\"UP\"", "\"jms\":{\"status\":\"UP\"", "\"db\":{\"status\":\"UP\"");
    }

    @Test
    void prometheusShowsMessagesQueueDepthsAndDeadLetters() throws Exception {
        restEventIsAcceptedDurablyAndAudited(); // accepted, or a duplicate if that test ran first: counted either way
        // the gauges are read from the broker's management address on a timer (2 s in the test profile)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = TestTokens.as(http, TestTokens.metrics()).getForEntity("/actuator/prometheus", String.class).getBody();
            assertThat(metrics).contains("hub_messages_total{", "party=\"onestop\"");
            assertThat(metrics).containsPattern("hub_queue_depth\\{[^}]*partner=\"national-portal\"[^}]*} [0-9]");
            assertThat(metrics).containsPattern("hub_dead_letters_open\\{[^}]*partner=\"vnpost\"[^}]*} [0-9]");
        });
    }
}
