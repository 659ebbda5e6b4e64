package vn.gov.lgsp.hub.work;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * For every partner (each {@link PartnerConnector} bean, and every hub.queues.partners entry): one
 * {@link ShardConsumer} per shard of the partner's durable queues
 * (hub.work.&lt;partner&gt;.&lt;n&gt;, see {@link PartnerWorkQueues#queueOf}) handing batches to a {@link PartnerWorker},
 * which calls the partner's connector. Connectors are found by their {@link PartnerConnector#partner()} name: a
 * connector's queue settings are its own defaults ({@code connectors/<partner>/config.yml}), or the defaults of
 * {@link QueueProperties.PartnerQueue} when it has none.
 *
 * <p>Nothing planned is dropped: work for a partner that is not enabled, or that a route names without any
 * connector or configuration ({@code direct:work-<name>} for an unknown name, found once Camel has started), is
 * queued all the same and dead-lettered by {@link NotEnabledWork} (reason "partner not enabled", an
 * INTEGRATION_FAILED update, {@code hub_work_not_enabled_total}).
 */
@Component
public class PartnerWorkRoutes extends RouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(PartnerWorkRoutes.class);

    private final QueueProperties queues;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final PartnerWorkQueues workQueues;
    private final DossierUpdates updates;
    private final DeadLetters deadLetters;
    private final Map<String, PartnerWorker> workers = new ConcurrentHashMap<>();
    private final List<ShardConsumer> consumers = new ArrayList<>();
    private final ConnectionFactory connectionFactory;
    private final MeterRegistry metrics;
    private final org.springframework.beans.factory.ObjectProvider<PartnerConnector> connectors;
    private final BusinessRoutes routes;
    private final BrokerAvailability broker;
    /** The partners' circuit breakers, with resilience4j's metrics bound to the hub's registry. */
    private final CircuitBreakerRegistry circuits = CircuitBreakerRegistry.ofDefaults();
    private final List<NotEnabledWork> notEnabled = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean started;

    public PartnerWorkRoutes(QueueProperties queues, JdbcTemplate jdbc, AuditLog audit, PartnerWorkQueues workQueues,
                             DossierUpdates updates, DeadLetters deadLetters, ConnectionFactory connectionFactory,
                             MeterRegistry metrics, org.springframework.beans.factory.ObjectProvider<PartnerConnector> connectors,
                             BusinessRoutes routes, BrokerAvailability broker) {
        this.broker = broker;
        this.connectors = connectors;
        this.routes = routes;
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuits).bindTo(metrics);
        this.connectionFactory = connectionFactory;
        this.metrics = metrics;
        this.queues = queues;
        this.jdbc = jdbc;
        this.audit = audit;
        this.workQueues = workQueues;
        this.updates = updates;
        this.deadLetters = deadLetters;
    }

    public Map<String, PartnerWorker> workers() {
        return workers;
    }

    /** The shard consumers start once Camel runs (they call the connectors' routes) and stop before it does. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void startConsumers() {
        consumers.forEach(ShardConsumer::start);
        notEnabled.forEach(NotEnabledWork::start);
        started = true;
    }

    /** On shutdown the consumers finish their batch first, while Camel still runs (closed-event listeners go first). */
    @org.springframework.context.event.EventListener(org.springframework.context.event.ContextClosedEvent.class)
    @org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
    public void stopConsumers() throws InterruptedException {
        // all at once: a batch in flight finishes (its calls are bounded by the partners' timeouts) or, past the
        // bound, is rolled back with the broker connection and delivered again after the restart
        consumers.forEach(ShardConsumer::requestStop);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        for (ShardConsumer c : consumers) c.awaitStop(deadline);
        for (NotEnabledWork n : notEnabled) n.stop();
        workers.values().forEach(PartnerWorker::stop);
    }

    @Override
    public void configure() throws Exception {
        Map<String, PartnerConnector> byPartner = new java.util.LinkedHashMap<>();
        connectors.orderedStream().forEach(c -> {
            PartnerConnector other = byPartner.putIfAbsent(c.partner(), c);
            if (other != null) {
                throw new IllegalStateException("two connectors for partner " + c.partner() + ": "
                        + other.getClass().getName() + " and " + c.getClass().getName());
            }
        });
        Map<String, QueueProperties.PartnerQueue> partners = new java.util.LinkedHashMap<>(queues.getPartners());
        byPartner.keySet().forEach(name -> partners.computeIfAbsent(name, n -> new QueueProperties.PartnerQueue()));
        queues.setPartners(partners);
        partners.forEach((partner, policy) -> {
            if (!policy.isEnabled()) {
                notEnabled(partner, "hub.queues.partners." + partner + ".enabled is false", policy);
                return;
            }
            PartnerConnector connector = byPartner.get(partner);
            if (connector == null) log.error("partner '{}' is enabled but no connector is installed for it: its work will be dead-lettered", partner);
            PartnerWorker worker = new PartnerWorker(partner, policy, connector, jdbc, audit, workQueues, updates, deadLetters, circuits);
            workers.put(partner, worker);
            for (int shard = 0; shard < policy.getConcurrency(); shard++) {
                consumers.add(new ShardConsumer(connectionFactory, workQueues.shardQueue(partner, shard), shard, worker, policy.getMaxBatch(), broker));
            }
        });
        getContext().addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                adoptUnconfiguredPartners(context);
            }
        });
    }

    private NotEnabledWork notEnabled(String partner, String why, QueueProperties.PartnerQueue policy) {
        List<String> shards = new ArrayList<>();
        for (int shard = 0; shard < policy.getConcurrency(); shard++) shards.add(workQueues.shardQueue(partner, shard));
        NotEnabledWork n = new NotEnabledWork(partner, why, shards, connectionFactory, audit, updates, deadLetters, metrics);
        notEnabled.add(n);
        return n;
    }

    /**
     * A route (routes/*.yaml) that names {@code direct:work-<name>} for a partner without any connector or
     * configuration gets a one-shard queue for it too, worked by {@link NotEnabledWork}: its work is dead-lettered,
     * saying so, never dropped.
     */
    public void adoptUnconfiguredPartners(CamelContext context) {
        List<String> absent = routes.partnersNamed(context).stream().filter(name -> !queues.getPartners().containsKey(name)).toList();
        if (absent.isEmpty()) return;
        Map<String, QueueProperties.PartnerQueue> partners = new java.util.LinkedHashMap<>(queues.getPartners());
        for (String name : absent) {
            QueueProperties.PartnerQueue policy = new QueueProperties.PartnerQueue();
            policy.setEnabled(false);
            policy.setConcurrency(1);
            partners.put(name, policy);
        }
        queues.setPartners(partners);
        for (String name : absent) {
            log.error("routes plan work for partner '{}', which has no connector nor hub.queues.partners entry: its work will be dead-lettered", name);
            NotEnabledWork n = notEnabled(name, "no connector and no hub.queues.partners." + name + " is configured", partners.get(name));
            if (started) n.start();
        }
    }
}
