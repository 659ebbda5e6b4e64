package vn.gov.lgsp.hub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.inbound.InboundProperties;
import vn.gov.lgsp.hub.work.QueueProperties;

/**
 * Actuator health "startupChecks", part of the readiness group: the hub does not take traffic (readiness DOWN,
 * with the reasons, and one ERROR log line) while the infrastructure breaks what it promises:
 * <ul>
 *   <li>the broker's address settings for the work queues ({@code hub.work.#}) must make each shard queue exclusive
 *       ({@code default-exclusive-queue} true: one consumer per shard across all instances, order per dossier) and
 *       never discard work ({@code max-delivery-attempts} -1: the hub dead-letters, not the broker); read through
 *       the broker's management address ({@code getAddressSettingsAsJSON}), which needs the hub's broker user to
 *       have the {@code manage} permission on it;</li>
 *   <li>the one-stop topic must have at least as many partitions as {@code hub.inbound.consumers} (a consumer
 *       without a partition idles while the others carry more than planned);</li>
 *   <li>the database schema must not be ahead of the code: a migration applied that this code does not know
 *       (a newer hub ran on this database: rolling back the code is not supported).</li>
 * </ul>
 * Checks run once the application is ready and again at each health call until they have all passed (the broker
 * or Kafka may not answer at first, the one-stop topic may be created after the hub). What has passed stays passed.
 * {@code hub.startup-checks.enabled=false} switches them off (a broker that denies management to the hub).
 */
@Component("startupChecks")
public class StartupChecks implements HealthIndicator {
    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectionFactory broker;
    private final QueueProperties queues;
    private final InboundProperties inbound;
    private final String kafkaBootstrap;
    private final Flyway flyway;
    private final boolean enabled;
    /** Each check's outcome: null when it passed, else the reason. A check not in the map has not run yet. */
    private final Map<String, String> outcome = new LinkedHashMap<>();
    private final Set<String> passed = new java.util.HashSet<>();
    private String loggedProblems;

    @Autowired
    public StartupChecks(ConnectionFactory broker, QueueProperties queues, InboundProperties inbound,
                         @Value("${hub.kafka.bootstrap-servers}") String kafkaBootstrap, ObjectProvider<Flyway> flyway,
                         @Value("${hub.startup-checks.enabled:true}") boolean enabled) {
        this(broker, queues, inbound, kafkaBootstrap, flyway.getIfAvailable(), enabled);
    }

    public StartupChecks(ConnectionFactory broker, QueueProperties queues, InboundProperties inbound, String kafkaBootstrap,
                         Flyway flyway, boolean enabled) {
        this.broker = broker;
        this.queues = queues;
        this.inbound = inbound;
        this.kafkaBootstrap = kafkaBootstrap;
        this.flyway = flyway;
        this.enabled = enabled;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        run();
    }

    /** Runs the checks not passed yet; the reasons of those that failed (empty: ready). */
    public synchronized List<String> run() {
        if (!enabled) return List.of();
        check("broker", this::brokerProblems);
        check("kafka", this::kafkaProblems);
        check("schema", this::schemaProblems);
        List<String> problems = new ArrayList<>();
        outcome.values().stream().filter(java.util.Objects::nonNull).forEach(problems::add);
        String joined = String.join("; ", problems);
        if (!problems.isEmpty() && !joined.equals(loggedProblems)) {
            log.error("hub NOT READY (readiness DOWN, takes no traffic until fixed): {}", joined);
        } else if (problems.isEmpty() && loggedProblems != null && !loggedProblems.isEmpty()) {
            log.info("startup checks now pass: the hub is ready");
        }
        loggedProblems = joined;
        return problems;
    }

    @Override
    public Health health() {
        List<String> problems = run();
        Health.Builder h = problems.isEmpty() ? Health.up() : Health.down().withDetail("reasons", problems);
        if (!enabled) h.withDetail("checks", "disabled (hub.startup-checks.enabled=false)");
        else passed.forEach(p -> h.withDetail(p, "ok"));
        return h.build();
    }

    private interface Check {
        List<String> problems() throws Exception;
    }

    private void check(String name, Check check) {
        if (passed.contains(name)) return;
        try {
            List<String> problems = check.problems();
            if (problems.isEmpty()) {
                passed.add(name);
                outcome.put(name, null);
            } else {
                outcome.put(name, String.join("; ", problems));
            }
        } catch (Exception e) {
            outcome.put(name, name + " check could not run: " + e);
        }
    }

    /** The address settings the broker applies to each partner's first shard queue. */
    List<String> brokerProblems() throws Exception {
        List<String> problems = new ArrayList<>();
        try (Connection c = broker.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = s.createTemporaryQueue();
            MessageProducer requests = s.createProducer(ActiveMQJMSClient.createQueue("activemq.management"));
            MessageConsumer answers = s.createConsumer(replies);
            c.start();
            for (String partner : queues.getPartners().keySet()) {
                String address = queues.getPrefix() + partner + ".0";
                Message m = s.createMessage();
                JMSManagementHelper.putOperationInvocation(m, ResourceNames.BROKER, "getAddressSettingsAsJSON", address);
                m.setJMSReplyTo(replies);
                requests.send(m);
                Message reply = answers.receive(10_000);
                if (reply == null) throw new IllegalStateException("the broker did not answer a management request in 10 s");
                if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                    throw new IllegalStateException("the broker refused getAddressSettingsAsJSON(" + address + "): "
                            + JMSManagementHelper.getResult(reply) + " (the hub's broker user needs the manage permission)");
                }
                JsonNode settings = JSON.readTree(String.valueOf(JMSManagementHelper.getResult(reply, String.class)));
                if (!settings.path("defaultExclusiveQueue").asBoolean(false)) {
                    problems.add("broker address settings for " + address + ": default-exclusive-queue is "
                            + settings.path("defaultExclusiveQueue").asText("unset (false)")
                            + ", must be true (one consumer per shard across instances: order per dossier)");
                }
                if (settings.path("maxDeliveryAttempts").asInt(10) != -1) {
                    problems.add("broker address settings for " + address + ": max-delivery-attempts is "
                            + settings.path("maxDeliveryAttempts").asText("unset (10)")
                            + ", must be -1 (the hub dead-letters work, the broker must never discard it)");
                }
            }
        }
        return problems;
    }

    /** The one-stop topic has a partition for each of this instance's consumers. */
    List<String> kafkaProblems() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            TopicDescription topic;
            try {
                topic = admin.describeTopics(List.of(inbound.getTopic())).allTopicNames().get(6, TimeUnit.SECONDS).get(inbound.getTopic());
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return List.of("Kafka topic " + inbound.getTopic() + " does not exist (deploy/kafka-topics.sh)");
                }
                throw e;
            }
            int partitions = topic.partitions().size();
            if (partitions < inbound.getConsumers()) {
                return List.of("Kafka topic " + inbound.getTopic() + " has " + partitions + " partition(s), fewer than hub.inbound.consumers="
                        + inbound.getConsumers() + " (a consumer without a partition idles)");
            }
            return List.of();
        }
    }

    /** Migrations applied to the database that this code does not have: a newer hub has run on it. */
    List<String> schemaProblems() {
        if (flyway == null) return List.of();
        List<String> unknown = new ArrayList<>();
        for (MigrationInfo m : flyway.info().applied()) {
            MigrationState state = m.getState();
            if (state == MigrationState.FUTURE_SUCCESS || state == MigrationState.FUTURE_FAILED
                    || state == MigrationState.MISSING_SUCCESS || state == MigrationState.MISSING_FAILED) {
                unknown.add((m.getVersion() == null ? "R" : "V" + m.getVersion()) + " " + m.getDescription());
            }
        }
        return unknown.isEmpty() ? List.of() : List.of("the database schema is ahead of this code: applied migration(s) "
                + unknown + " unknown to it (a newer hub version migrated this database)");
    }
}
