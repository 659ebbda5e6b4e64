package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.JmsResourceHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * Work planned for a partner that is switched off ({@code hub.queues.partners.<p>.enabled: false}) or that no
 * configuration names at all: nothing accepted may vanish. Work planned for such a partner (routes/*.yaml) is queued
 * like any other (so it is durable with the inbound's batch, and audited as "work for: p"); this consumer takes
 * it from the partner's shard queues and, in the broker transaction that consumes it, files a dead letter (reason
 * "partner not enabled"), publishes an INTEGRATION_FAILED update for the dossier, audits it and counts it
 * ({@code hub_work_not_enabled_total{partner}}). A crash in between redelivers the message: the dead letter is
 * unique per open work id and the update keeps its updateId ({@code failed:<workId>}), so nothing doubles.
 * Once the partner is enabled, what is still queued is worked normally; an operator can replay the dead letters.
 */
final class NotEnabledWork implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(NotEnabledWork.class);
    static final String REASON = "partner not enabled";

    private final String partner;
    private final String why;
    private final List<String> shardQueues;
    private final ConnectionFactory connectionFactory;
    private final AuditLog audit;
    private final DossierUpdates updates;
    private final DeadLetters deadLetters;
    private final Counter counter;
    private final Thread thread;
    private volatile boolean running = true;

    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    NotEnabledWork(String partner, String why, List<String> shardQueues, ConnectionFactory connectionFactory, AuditLog audit,
                   DossierUpdates updates, DeadLetters deadLetters, MeterRegistry metrics) {
        this.partner = partner;
        this.why = why;
        this.shardQueues = shardQueues;
        this.connectionFactory = connectionFactory;
        this.audit = audit;
        this.updates = updates;
        this.deadLetters = deadLetters;
        this.counter = counter(metrics, partner);
        this.thread = new Thread(this, "work-not-enabled-" + partner);
        this.thread.setDaemon(true);
    }

    static Counter counter(MeterRegistry metrics, String partner) {
        return Counter.builder("hub.work.not.enabled").tag("partner", partner)
                .description("Work planned for a partner that is not enabled: dead-lettered with INTEGRATION_FAILED")
                .register(metrics);
    }

    void start() {
        if (!thread.isAlive()) thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    @Override
    public void run() {
        while (running) {
            try (Connection connection = connectionFactory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                List<MessageConsumer> consumers = new ArrayList<>();
                for (String q : shardQueues) consumers.add(session.createConsumer(session.createQueue(q)));
                long wait = Math.max(50, 500 / consumers.size());
                while (running) {
                    for (MessageConsumer c : consumers) {
                        Message m = c.receive(wait);
                        if (m != null) deadLetter(connection, session, m);
                    }
                }
                session.close();
            } catch (Exception e) {
                if (!running) return;
                log.warn("not-enabled consumer of {} failed ({}); reconnecting in 1 s", partner, e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void deadLetter(Connection connection, Session session, Message m) throws Exception {
        TransactionSynchronizationManager.bindResource(connectionFactory, new JmsResourceHolder(connectionFactory, connection, session));
        try {
            WorkItem item = new WorkItem(partner, m.getStringProperty(WorkHeaders.WORK_ID), m.getStringProperty(WorkHeaders.DOSSIER_CODE),
                    m.getStringProperty(WorkHeaders.MESSAGE_TYPE), ((TextMessage) m).getText(),
                    m.propertyExists(WorkHeaders.ATTEMPT) ? m.getIntProperty(WorkHeaders.ATTEMPT) : 1);
            String reason = REASON + ": " + partner + " (" + why + ")";
            Map<String, String> headers = new LinkedHashMap<>();
            for (var names = m.getPropertyNames(); names.hasMoreElements(); ) {
                String name = (String) names.nextElement();
                if (name.startsWith("hub")) headers.put(name, String.valueOf(m.getObjectProperty(name)));
            }
            // the update first (joins this broker transaction), then the dead letter and its audit record (database),
            // then the broker commit: a crash before it redelivers and repeats both harmlessly
            if (item.dossierCode() != null && !DossierUpdates.ONESTOP.equals(partner)) {
                updates.publish(List.of(DossierUpdates.of("failed:" + item.workId(), item.dossierCode(), "INTEGRATION_FAILED", partner,
                        JsonNodeFactory.instance.objectNode().put("partner", partner).put("workId", item.workId())
                                .put("messageType", item.messageType()).put("reason", reason))));
            }
            audit.recordWith(List.of(DeadLetters.insert(item, reason, headers, deadLetters.headersJson(headers))),
                    AuditEntry.out(partner, item.dossierCode(), item.messageType(), "DEAD_LETTERED", null, item.workId(), item.body(), reason));
            session.commit();
            counter.increment();
            log.error("{} work {} dead-lettered: {}", partner, item.workId(), reason);
        } catch (Exception e) {
            session.rollback();
            throw e;
        } finally {
            TransactionSynchronizationManager.unbindResource(connectionFactory);
        }
    }
}
