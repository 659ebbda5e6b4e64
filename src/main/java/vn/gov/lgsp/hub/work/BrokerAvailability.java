package vn.gov.lgsp.hub.work;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jms.connection.SingleConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Whether the Artemis broker is known to be gone, told without asking it. With the broker down, every thread that
 * needs it (the intake, each shard consumer, the health check) would otherwise take its turn at the shared
 * connection's lock to try to connect, and close what is left of the lost connection first, each attempt waiting out
 * its own timeout: measured by ArtemisOutageIT, the intake's requests then waited up to 18 s and the readiness probe
 * 11-20 s. Instead the lost connection is noticed once (the connection's exception listener, or any caller that
 * met a broker failure), one thread probes the broker every {@link #PROBE_EVERY_MILLIS} ms on a connection of its
 * own, and meanwhile the intake answers 503 at once, readiness is DOWN at once and the shard consumers wait.
 */
@Component("broker")
public class BrokerAvailability implements HealthIndicator, org.springframework.beans.factory.DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(BrokerAvailability.class);
    static final long PROBE_EVERY_MILLIS = 500;
    private final ConnectionFactory target;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile long downSince;
    private volatile String reason;
    private volatile boolean closed;

    public BrokerAvailability(ConnectionFactory connectionFactory) {
        // the probe connects on its own (the broker's own factory), not through the shared cached connection
        this.target = connectionFactory instanceof SingleConnectionFactory s && s.getTargetConnectionFactory() != null
                ? s.getTargetConnectionFactory() : connectionFactory;
        if (connectionFactory instanceof SingleConnectionFactory shared) {
            // the shared connection is lost: the broker stopped or the network dropped (it is reset and made again)
            shared.setExceptionListener(e -> lost(e));
        }
    }

    /** True while the broker is known to be gone: do not wait for it, answer or pause at once. */
    public boolean down() {
        return down.get();
    }

    /** Tells it of a failure met while using the broker; only a broker failure marks it down. */
    public void failed(Throwable failure) {
        if (isBroker(failure)) lost(failure);
    }

    private void lost(Throwable failure) {
        if (closed || !down.compareAndSet(false, true)) return;
        downSince = System.currentTimeMillis();
        reason = failure == null ? "connection lost" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        log.warn("the message broker is unavailable ({}); the intake answers 503 until a probe connects again", reason);
        Thread probe = new Thread(this::probeUntilBack, "broker-availability-probe");
        probe.setDaemon(true);
        probe.start();
    }

    private void probeUntilBack() {
        while (down.get() && !closed) {
            try {
                Thread.sleep(PROBE_EVERY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try (Connection c = target.createConnection()) {
                c.start();
                down.set(false);
                log.info("the message broker is available again after {} ms", System.currentTimeMillis() - downSince);
            } catch (Exception stillDown) {
                // probed again shortly
            }
        }
    }

    /** The hub is stopping: its broker goes too, nothing to wait for. */
    @Override
    public void destroy() {
        closed = true;
    }

    /** Readiness: DOWN at once while the broker is known to be gone (the broker's own health check would wait). */
    @Override
    public Health health() {
        if (down.get()) {
            return Health.down().withDetail("since", java.time.Instant.ofEpochMilli(downSince).toString())
                    .withDetail("reason", String.valueOf(reason)).build();
        }
        return Health.up().build();
    }

    private static boolean isBroker(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.springframework.jms.JmsException || t instanceof jakarta.jms.JMSException
                    || t instanceof jakarta.jms.JMSRuntimeException
                    || t.getClass().getName().startsWith("org.apache.activemq.artemis.api.core.ActiveMQ")) {
                return true;
            }
        }
        return false;
    }
}
