package vn.gov.lgsp.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.TestTokens;

/** Log lines are JSON, carry the dossier code, and never show a citizen ID or a phone number. */
@HubIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class LogMaskingIT {
    private static final Logger log = LoggerFactory.getLogger(LogMaskingIT.class);

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;

    @Test
    void personalDataNeverReachesTheLogUnmasked(CapturedOutput output) throws Exception {
        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        List<ObjectNode> events = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN)));
        ObjectNode received = events.get(0);
        String code = received.get("dossier").get("code").asText();
        String citizenId = received.get("dossier").get("applicant").get("citizenId").asText();
        String phone = received.get("dossier").get("applicant").get("phone").asText();

        // a real flow (accepted, portal sync, notification), and a rejected copy that is logged with its reasons
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(received.toString(), h), String.class);
        ObjectNode bad = received.deepCopy();
        bad.put("eventId", bad.get("eventId").asText() + "-bad");
        ((ObjectNode) bad.get("dossier").get("applicant")).put("phone", "12" + phone);
        TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(bad.toString(), h), String.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM audit_record WHERE dossier_code = ? AND party = 'national-portal' AND outcome = 'DELIVERED'", Long.class, code) > 0);

        // and a careless log line of our own
        MDC.put("dossierCode", code);
        try {
            log.warn("citizen {} phone {} intl 84{} asked about {}", citizenId, phone, phone.substring(1), code);
        } finally {
            MDC.remove("dossierCode");
        }

        String all = output.getAll();
        assertThat(all).contains("rejected REST input");
        assertThat(all).doesNotContain(citizenId).doesNotContain(phone).doesNotContain("84" + phone.substring(1));
        String ours = all.lines().filter(l -> l.contains("asked about")).findFirst().orElseThrow();
        JsonNode line = new ObjectMapper().readTree(ours);
        assertThat(line.get("dossierCode").asText()).isEqualTo(code);
        assertThat(line.get("message").asText()).contains(citizenId.substring(0, 3) + "******" + citizenId.substring(9));
        assertThat(line.get("level").asText()).isEqualTo("WARN");
    }
}
