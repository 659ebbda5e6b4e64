package vn.gov.lgsp.hub.work;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * For every partner in hub.queues.partners: a planning entry {@code direct:work-<partner>} that routes/*.yaml call
 * to request work, and one {@link ShardConsumer} per shard of the partner's durable queues
 * (hub.work.&lt;partner&gt;.&lt;n&gt;, see {@link PartnerWorkQueues#queueOf}) handing batches to a {@link PartnerWorker}.
 */
@Component
public class PartnerWorkRoutes extends RouteBuilder {
    /** Exchange property holding the List&lt;String&gt; of partners the business routes asked for. */
    public static final String PLANNED = "hubPlannedPartners";

    private final QueueProperties queues;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final PartnerWorkQueues workQueues;
    private final DossierUpdates updates;
    private final DeadLetters deadLetters;
    private final Map<String, PartnerWorker> workers = new ConcurrentHashMap<>();
    private final List<ShardConsumer> consumers = new ArrayList<>();
    private final ConnectionFactory connectionFactory;

    public PartnerWorkRoutes(QueueProperties queues, JdbcTemplate jdbc, AuditLog audit, PartnerWorkQueues workQueues,
                             DossierUpdates updates, DeadLetters deadLetters, ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
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
        workers.values().forEach(PartnerWorker::stop);
    }

    @Override
    public void configure() {
        queues.getPartners().forEach((partner, policy) -> {
            from("direct:work-" + partner).routeId("work-" + partner)
                    .process(e -> {
                        if (!policy.isEnabled()) return;
                        @SuppressWarnings("unchecked")
                        List<String> planned = e.getProperty(PLANNED, List.class);
                        if (planned == null) {
                            planned = new ArrayList<>();
                            e.setProperty(PLANNED, planned);
                        }
                        if (!planned.contains(partner)) planned.add(partner);
                    });

            if (!policy.isEnabled()) return;
            PartnerWorker worker = new PartnerWorker(partner, policy, getContext(), jdbc, audit, workQueues, updates, deadLetters);
            workers.put(partner, worker);
            for (int shard = 0; shard < policy.getConcurrency(); shard++) {
                consumers.add(new ShardConsumer(connectionFactory, workQueues.shardQueue(partner, shard), shard, worker, policy.getMaxBatch()));
            }
        });
    }
}
