package vn.gov.lgsp.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;

/** The running hub's readiness includes the startup checks, each of them passed on the test infrastructure. */
@HubIntegrationTest
class StartupChecksReadinessIT {
    @Autowired TestRestTemplate http;

    @Test
    void readinessIncludesTheStartupChecksAndLivenessDoesNot() throws Exception {
        // the probe is open; its details are an admin's (README, Security)
        ResponseEntity<String> ready = vn.gov.lgsp.hub.infra.TestTokens.as(http, vn.gov.lgsp.hub.infra.TestTokens.admin())
                .getForEntity("/actuator/health/readiness", String.class);
        assertThat(ready.getStatusCode().value()).as(ready.getBody()).isEqualTo(200);
        JsonNode checks = new ObjectMapper().readTree(ready.getBody()).path("components").path("startupChecks");
        assertThat(checks.path("status").asText()).isEqualTo("UP");
        assertThat(checks.path("details").path("broker").asText()).isEqualTo("ok");
        assertThat(checks.path("details").path("kafka").asText()).isEqualTo("ok");
        assertThat(checks.path("details").path("schema").asText()).isEqualTo("ok");
        ResponseEntity<String> live = http.getForEntity("/actuator/health/liveness", String.class);
        assertThat(live.getStatusCode().value()).isEqualTo(200);
        assertThat(live.getBody()).doesNotContain("startupChecks");
    }
}
