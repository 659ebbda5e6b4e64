package vn.gov.lgsp.hub.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.QueueRequestor;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.work.DeadLetters;
import vn.gov.lgsp.hub.work.PartnerWorkQueues;
import vn.gov.lgsp.hub.work.QueueProperties;

/**
 * Prometheus gauges: hub_queue_depth{partner} (messages waiting, scheduled retries included, read from the
 * broker's management address), hub_queue_oldest_age_seconds{partner} (how long the oldest message ready for
 * delivery on any of the partner's shards has waited; scheduled retries wait on purpose and are not counted) and
 * hub_dead_letters_open{partner}. Refreshed every 15 s.
 */
@Component
public class QueueMetrics {
    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);
    private final ConnectionFactory cf;
    private final QueueProperties queues;
    private final PartnerWorkQueues workQueues;
    private final DeadLetters deadLetters;
    private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> dead = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> oldestMillis = new ConcurrentHashMap<>();

    public QueueMetrics(ConnectionFactory cf, QueueProperties queues, PartnerWorkQueues workQueues, DeadLetters deadLetters,
                        MeterRegistry registry) {
        this.cf = cf;
        this.workQueues = workQueues;
        this.queues = queues;
        this.deadLetters = deadLetters;
        queues.getPartners().keySet().forEach(p -> {
            depth.put(p, new AtomicLong(-1));
            dead.put(p, new AtomicLong(0));
            oldestMillis.put(p, new AtomicLong(-1000));
            Gauge.builder("hub.queue.oldest.age", oldestMillis.get(p), v -> v.get() / 1000.0).tag("partner", p).baseUnit("seconds")
                    .description("Age of the oldest work ready on the partner's queue, s (0: none waiting, -1: broker not reachable)")
                    .register(registry);
            Gauge.builder("hub.queue.depth", depth.get(p), AtomicLong::get).tag("partner", p)
                    .description("Work waiting on the partner's queue (-1: broker not reachable)").register(registry);
            Gauge.builder("hub.dead.letters.open", dead.get(p), AtomicLong::get).tag("partner", p)
                    .description("Open dead letters of the partner").register(registry);
        });
    }

    public Map<String, AtomicLong> depths() {
        return depth;
    }

    @Scheduled(initialDelay = 5_000, fixedDelayString = "${hub.metrics.refresh:15000}")
    public void refresh() {
        Map<String, Long> counts = deadLetters.openCountsByPartner();
        dead.forEach((p, v) -> v.set(counts.getOrDefault(p, 0L)));
        if (!(cf instanceof QueueConnectionFactory qcf)) return;
        try (QueueConnection c = qcf.createQueueConnection()) {
            QueueSession s = c.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueRequestor requestor = new QueueRequestor(s, ActiveMQJMSClient.createQueue("activemq.management"));
            c.start();
            for (String p : depth.keySet()) {
                long total = 0, oldest = 0;
                for (int shard = 0; shard < queues.of(p).getConcurrency(); shard++) {
                    String queue = ResourceNames.QUEUE + workQueues.shardQueue(p, shard);
                    total += attribute(s, requestor, queue, "messageCount");
                    oldest = Math.max(oldest, attribute(s, requestor, queue, "firstMessageAge"));
                }
                depth.get(p).set(total);
                oldestMillis.get(p).set(oldest);
            }
        } catch (Exception e) {
            depth.values().forEach(v -> v.set(-1));
            oldestMillis.values().forEach(v -> v.set(-1000));
            log.debug("queue depths not available: {}", e.getMessage());
        }
    }

    /** A numeric attribute of a queue, read through the broker's management address (0 when it has none). */
    private static long attribute(QueueSession s, QueueRequestor requestor, String resource, String name) throws Exception {
        Message m = s.createMessage();
        JMSManagementHelper.putAttribute(m, resource, name);
        Message reply = requestor.request(m);
        Object result = JMSManagementHelper.hasOperationSucceeded(reply) ? JMSManagementHelper.getResult(reply) : null;
        return result instanceof Number n ? n.longValue() : 0;
    }
}
