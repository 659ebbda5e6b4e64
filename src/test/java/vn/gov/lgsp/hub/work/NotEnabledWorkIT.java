package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * Nothing accepted is dropped in silence: work that a route plans for a partner that is configured but not enabled
 * (the test profile's "archive"), or for one no configuration names, ends as a dead letter with the reason
 * "partner not enabled", an INTEGRATION_FAILED update for the dossier on Kafka, and a count in metrics.
 */
@HubIntegrationTest
class NotEnabledWorkIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired CamelContext camel;
    @Autowired DossierUpdates dossierUpdates;
    @Autowired PartnerWorkRoutes partnerWorkRoutes;
    @Autowired QueueProperties queues;
    @Autowired JdbcTemplate jdbc;
    @Autowired MeterRegistry metrics;

    private final TopicRecorder updates = TopicRecorder.of(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC);

    @Test
    void workForAPartnerThatIsNotEnabledBecomesADeadLetterAndAnIntegrationFailedUpdate() throws Exception {
        assertThat(queues.of("archive").isEnabled()).isFalse();
        // an update type no route of routes/ reacts to, routed here to the switched-off partner for this test only
        route("citizen-notified", "archive");
        double before = count("archive");
        String dossier = dossierCode();
        try {
            publish(dossier, "CITIZEN_NOTIFIED", JsonNodeFactory.instance.objectNode().put("channel", "SMS")
                    .put("notification", "PROBE").put("messageId", UUID.randomUUID().toString()));
            await().atMost(WAIT).until(() -> !deadLetters("archive", dossier).isEmpty());
        } finally {
            unroute("citizen-notified");
        }
        Map<String, Object> letter = deadLetters("archive", dossier).get(0);
        assertThat((String) letter.get("reason")).startsWith("partner not enabled: archive");
        assertThat(letter.get("status")).isEqualTo("OPEN");
        await().atMost(WAIT).until(() -> failed(dossier) != null);
        JsonNode update = failed(dossier);
        assertThat(update.path("source").asText()).isEqualTo("archive");
        assertThat(update.path("detail").path("reason").asText()).startsWith("partner not enabled");
        assertThat(update.path("updateId").asText()).isEqualTo("failed:" + letter.get("work_id"));
        assertThat(count("archive")).isEqualTo(before + 1);
        // audited on the dossier's timeline
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND party = 'archive' AND outcome = 'DEAD_LETTERED'",
                Integer.class, dossier)).isEqualTo(1);
    }

    @Test
    void aRouteNamingAPartnerWithoutAnyConfigurationHasItsWorkDeadLetteredToo() throws Exception {
        route("citizen-not-reachable", "nowhere");
        String dossier = dossierCode();
        try {
            partnerWorkRoutes.adoptUnconfiguredPartners(camel); // what happens at start-up for routes/*.yaml
            assertThat(queues.of("nowhere").isEnabled()).isFalse();
            publish(dossier, "CITIZEN_NOT_REACHABLE", JsonNodeFactory.instance.objectNode().put("notification", "PROBE"));
            await().atMost(WAIT).until(() -> !deadLetters("nowhere", dossier).isEmpty());
        } finally {
            unroute("citizen-not-reachable");
        }
        assertThat((String) deadLetters("nowhere", dossier).get(0).get("reason")).startsWith("partner not enabled: nowhere");
        await().atMost(WAIT).until(() -> failed(dossier) != null);
        assertThat(count("nowhere")).isEqualTo(1);
    }

    private void route(String updateKebab, String partner) throws Exception {
        if (camel.getRoute("on-update-" + updateKebab) != null) return;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:on-update-" + updateKebab).routeId("on-update-" + updateKebab).to("direct:work-" + partner);
            }
        });
    }

    private void publish(String dossier, String type, com.fasterxml.jackson.databind.node.ObjectNode detail) {
        dossierUpdates.publish(List.of(DossierUpdates.of("probe:" + UUID.randomUUID(), dossier, type, "test", detail)));
    }

    /** Other tests share this hub: their updates of that type must not be routed to the probe partner. */
    private void unroute(String updateKebab) throws Exception {
        camel.getRouteController().stopRoute("on-update-" + updateKebab);
        camel.removeRoute("on-update-" + updateKebab);
    }

    private List<Map<String, Object>> deadLetters(String partner, String dossier) {
        return jdbc.queryForList("SELECT work_id, reason, status FROM dead_letter WHERE partner = ? AND dossier_code = ?", partner, dossier);
    }

    private JsonNode failed(String dossier) {
        return updates.forDossier(dossier).stream().filter(u -> "INTEGRATION_FAILED".equals(u.path("updateType").asText()))
                .findFirst().orElse(null);
    }

    private double count(String partner) {
        var c = metrics.find("hub.work.not.enabled").tag("partner", partner).counter();
        return c == null ? 0 : c.count();
    }

    private static String dossierCode() {
        return "G22.62-" + LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE) + "-" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_000_000));
    }
}
