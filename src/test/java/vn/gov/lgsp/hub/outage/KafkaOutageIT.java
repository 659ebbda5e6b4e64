package vn.gov.lgsp.hub.outage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.sms.simulator.SmsGatewaySimulator;
import vn.gov.lgsp.connector.vnpost.simulator.VnpostSimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;
import vn.gov.lgsp.hub.work.PartnerWorkRoutes;

/**
 * The Kafka broker stopped for 20 s while dossier lifecycles flow through the REST intake (the one-stop system's
 * other way in) and the partners' work is in flight, then started again on the same port and log folder. The
 * intake does not need Kafka to make an event durable: it keeps answering 202 (or, if anything, 503 with Retry-After
 * within 2 s). The work whose updates cannot be published waits (its batch rolls back and comes again); afterwards
 * every event was processed once, no partner got a call twice, every call's update reached onestop.dossier.updates,
 * the portal got each dossier's statuses in order, and no partner's circuit opened. The broker is started again
 * whatever happens, so the tests after this one find it running.
 */
@HubIntegrationTest
class KafkaOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @LocalServerPort int port;
    @Autowired JdbcTemplate jdbc;
    @Autowired PartnerWorkRoutes work;
    @Autowired PortalSimulator portal;
    @Autowired ZaloSimulator zalo;
    @Autowired SmsGatewaySimulator sms;
    @Autowired VnpostSimulator vnpost;

    @Test
    void kafkaDownUnderLoadDelaysTheWorkAndThenEverythingIsDoneOnceInOrderAndPublished() throws Exception {
        List<String> transitions = CircuitWatch.transitions(work);
        TopicRecorder updates = TopicRecorder.of(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC);
        OnestopTraffic traffic = new OnestopTraffic(30, 20);
        OutageLedger ledger = new OutageLedger(jdbc, traffic, updates, portal, zalo, sms, vnpost);
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        OutageDrill drill = new OutageDrill();
        drill.run("the Kafka broker", port, traffic, ledger, portal, OUTAGE, infra::stopKafkaBroker, infra::startKafkaBroker);

        assertThat(traffic.answers).as("202, or 503, never another 5xx or no answer").containsKey(202).doesNotContainKey(-1)
                .allSatisfy((status, n) -> assertThat(status).isIn(202, 503));
        assertThat(traffic.refusals).as("every 503 carries Retry-After").allMatch(r -> r.retryAfter() != null);
        assertThat(traffic.slowest503Millis()).as("503 answered within 2 s").isLessThan(2_000);
        assertThat(drill.readinessDuringOutage).as("readiness answered while Kafka is gone").isNotEmpty().doesNotContain(-1);
        assertThat(transitions).as("no partner's circuit moved because of the hub's Kafka").isEmpty();
    }
}
