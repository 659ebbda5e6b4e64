package vn.gov.lgsp.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import vn.gov.lgsp.hub.inbound.InboundProperties;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.work.QueueProperties;

/**
 * The startup checks on real infrastructure: an Artemis broker whose settings for one work-address prefix are
 * right (hub.work.#) and for another wrong (wrong.work.#), the shared embedded Kafka with topics of known
 * partition counts, and a PostgreSQL database migrated by the hub's Flyway migrations, then by a "newer" one.
 */
class StartupChecksIT {
    private static EmbeddedActiveMQ broker;
    private static ActiveMQConnectionFactory cf;
    private static EmbeddedInfrastructure infra;
    private static String topic4;

    @BeforeAll
    static void start() throws Exception {
        infra = SharedInfrastructure.get();
        Configuration config = new ConfigurationImpl().setPersistenceEnabled(false).setSecurityEnabled(false)
                .addAcceptorConfiguration("in-vm", "vm://73");
        config.addAddressSetting("hub.work.#", new AddressSettings().setDefaultExclusiveQueue(true).setMaxDeliveryAttempts(-1));
        // what a broker.xml without the hub's settings gives: shared queues, messages dropped after 10 deliveries
        config.addAddressSetting("wrong.work.#", new AddressSettings().setDefaultExclusiveQueue(false).setMaxDeliveryAttempts(10));
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        cf = new ActiveMQConnectionFactory("vm://73");
        topic4 = "checks-" + UUID.randomUUID().toString().substring(0, 6);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic4, 4, (short) 1), new NewTopic(topic4 + "-one", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cf.close();
        broker.stop();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()));
    }

    private static StartupChecks checks(String prefix, String topic, int consumers, Flyway flyway) {
        QueueProperties queues = new QueueProperties();
        queues.setPrefix(prefix);
        queues.getPartners().put("national-portal", new QueueProperties.PartnerQueue());
        queues.getPartners().put("onestop", new QueueProperties.PartnerQueue());
        InboundProperties inbound = new InboundProperties();
        inbound.setTopic(topic);
        inbound.setConsumers(consumers);
        return new StartupChecks(cf, queues, inbound, infra.kafkaBootstrap(), flyway, true);
    }

    @Test
    void workAddressesWithoutExclusiveQueuesOrWithBrokerSideDiscardKeepTheHubNotReady() {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(StartupChecks.class);
        logger.addAppender(logged);
        try {
            Health wrong = checks("wrong.work.", topic4, 1, null).health();
            assertThat(wrong.getStatus()).isEqualTo(Status.DOWN);
            assertThat(wrong.getDetails().get("reasons").toString())
                    .contains("wrong.work.national-portal.0: default-exclusive-queue is false, must be true")
                    .contains("wrong.work.national-portal.0: max-delivery-attempts is 10, must be -1")
                    .contains("wrong.work.onestop.0");
            assertThat(logged.list).anyMatch(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().startsWith("hub NOT READY")
                    && e.getFormattedMessage().contains("default-exclusive-queue"));
        } finally {
            logger.detachAppender(logged);
        }
        Health right = checks("hub.work.", topic4, 1, null).health();
        assertThat(right.getStatus()).as(right.toString()).isEqualTo(Status.UP);
        assertThat(right.getDetails()).containsEntry("broker", "ok").containsEntry("kafka", "ok");
    }

    @Test
    void aOneStopTopicWithFewerPartitionsThanConsumersOrNoneAtAllKeepsTheHubNotReady() {
        Health tooFew = checks("hub.work.", topic4 + "-one", 2, null).health();
        assertThat(tooFew.getStatus()).isEqualTo(Status.DOWN);
        assertThat(tooFew.getDetails().get("reasons").toString())
                .contains("Kafka topic " + topic4 + "-one has 1 partition(s), fewer than hub.inbound.consumers=2");
        assertThat(checks("hub.work.", topic4, 4, null).health().getStatus()).isEqualTo(Status.UP);
        Health missing = checks("hub.work.", topic4 + "-never-created", 1, null).health();
        assertThat(missing.getStatus()).isEqualTo(Status.DOWN);
        assertThat(missing.getDetails().get("reasons").toString()).contains("does not exist");
    }

    @Test
    void aDatabaseMigratedByANewerHubKeepsTheHubNotReady() throws Exception {
        String url = ChildJvm.newDatabase(infra, "checks" + UUID.randomUUID().toString().substring(0, 8));
        Flyway flyway = Flyway.configure().dataSource(url, "postgres", "").outOfOrder(true)
                .placeholders(java.util.Map.of("app_role", vn.gov.lgsp.hub.infra.EmbeddedInfrastructure.APP_ROLE))
                .locations("classpath:db/migration", "classpath:connectors")
                .load();
        flyway.migrate();
        assertThat(checks("hub.work.", topic4, 1, flyway).health().getStatus()).isEqualTo(Status.UP);

        // a newer hub's migration, as it would have recorded itself
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, execution_time, success) SELECT max(installed_rank) + 1, '9000', 'from a newer hub', 'SQL',"
                    + " 'V9000__from_a_newer_hub.sql', 1, 'postgres', 5, true FROM flyway_schema_history");
        }
        Health ahead = checks("hub.work.", topic4, 1, flyway).health();
        assertThat(ahead.getStatus()).isEqualTo(Status.DOWN);
        assertThat(ahead.getDetails().get("reasons").toString())
                .contains("the database schema is ahead of this code").contains("V9000 from a newer hub");
    }
}
