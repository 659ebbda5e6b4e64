package vn.gov.lgsp.hub.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * One inbound batch holding what Kafka can deliver together: the same eventId twice, and events of one dossier out
 * of order. The inbox, the dossier row and the audit chain are each written by one statement per batch; these are
 * the rules those statements must keep.
 */
@HubIntegrationTest
class InboundBatchIT {
    private final DossierEventFactory factory = new DossierEventFactory(System.nanoTime());

    @Autowired InboundService inbound;
    @Autowired JdbcTemplate jdbc;
    @Autowired TestRestTemplate http;

    @Test
    void aBatchAcceptsAnEventOnceKeepsTheLatestStateOfADossierAndAuditsInItsOrder() throws Exception {
        ObjectNode dossier = factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2));
        List<ObjectNode> life = factory.lifecycle(dossier);
        ObjectNode received = life.get(0), later = life.get(life.size() - 1), between = life.get(1);
        String code = received.get("dossier").get("code").asText();

        // the newest first, then the first event twice, then one from between them
        List<InboundService.Result> results = inbound.accept(List.of(incoming(later), incoming(received), incoming(received),
                incoming(between)));

        assertThat(results).extracting(InboundService.Result::outcome).containsExactly(InboundService.Outcome.ACCEPTED,
                InboundService.Outcome.ACCEPTED, InboundService.Outcome.DUPLICATE, InboundService.Outcome.ACCEPTED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbound_event WHERE dossier_code = ?", Integer.class, code)).isEqualTo(3);
        // the latest by occurredAt wins, whatever its place in the batch
        assertThat(jdbc.queryForObject("SELECT last_event_id FROM dossier WHERE code = ?", String.class, code))
                .isEqualTo(later.get("eventId").asText());
        assertThat(jdbc.queryForObject("SELECT status FROM dossier WHERE code = ?", Integer.class, code))
                .isEqualTo(later.get("dossier").get("status").asInt());
        // the inbox keeps each event's text as it came (Vietnamese included), the dossier row the latest event's dossier
        assertThat(jdbc.queryForObject("SELECT payload FROM inbound_event WHERE event_id = ?", String.class,
                between.get("eventId").asText())).isEqualTo(between.toString());
        JsonNode snapshot = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                jdbc.queryForObject("SELECT snapshot FROM dossier WHERE code = ?", String.class, code));
        for (String field : List.of("code", "procedureName", "agencyName")) {
            assertThat(snapshot.get(field)).as(field).isEqualTo(later.get("dossier").get(field));
        }
        assertThat(snapshot.get("applicant").get("fullName")).isEqualTo(later.get("dossier").get("applicant").get("fullName"));
        // the audit records follow the batch's order, and the chain over them verifies
        assertThat(jdbc.queryForList("SELECT correlation_id || ' ' || outcome FROM audit_record WHERE dossier_code = ?"
                + " AND party = 'onestop' AND direction = 'IN' ORDER BY id", String.class, code)).containsExactly(
                later.get("eventId").asText() + " ACCEPTED", received.get("eventId").asText() + " ACCEPTED",
                received.get("eventId").asText() + " DUPLICATE", between.get("eventId").asText() + " ACCEPTED");
        JsonNode verify = TestTokens.as(http, TestTokens.auditor()).getForEntity("/api/v1/audit/verify", JsonNode.class).getBody();
        assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
    }

    private static InboundService.Incoming incoming(ObjectNode event) {
        return new InboundService.Incoming("REST", "InboundBatchIT", event.toString());
    }
}
