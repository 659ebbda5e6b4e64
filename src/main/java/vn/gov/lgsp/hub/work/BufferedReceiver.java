package vn.gov.lgsp.hub.work;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import java.lang.reflect.Field;
import org.apache.activemq.artemis.core.client.impl.ClientConsumerInternal;
import org.apache.activemq.artemis.jms.client.ActiveMQMessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rounds a shard's batch off with the messages the Artemis client already holds, without asking the broker.
 *
 * <p>Why: the broker sends a consumer messages ahead (its window), and a batch takes what is there. JMS's only way
 * to ask for "a message if there is one" is {@code receiveNoWait()}, which Artemis's client answers, when its buffer
 * is empty, by asking the broker to force a delivery and waiting for the answer: one broker round trip per batch,
 * at a province's pace about one per message (bench/PROFILING.md, the thirteenth and fourteenth looks). A message
 * the broker has not sent yet is simply taken by the next batch; nothing waits for it.
 *
 * <p>Without a window ({@code consumerWindowSize=0}, how several instances share the queues: README "Scaling out")
 * the client holds nothing in advance and every message is a round trip anyway; then the batch is filled as before,
 * one {@code receiveNoWait()} per message, or every batch would be a single message.
 *
 * <p>The client's buffer is not part of the JMS API, so it is reached through the Artemis consumer behind Spring's
 * cached consumer. Should that ever fail (another client library, a renamed field), the receiver falls back to
 * {@code receiveNoWait()}: one round trip more per batch, nothing else changes. {@code BufferedReceiverTest} fails
 * if the look-up no longer reaches the buffer.
 */
final class BufferedReceiver {
    private static final Logger log = LoggerFactory.getLogger(BufferedReceiver.class);
    /** Spring's CachedMessageConsumer keeps the consumer it wraps in a protected field. */
    private static final Field SPRING_TARGET = field("org.springframework.jms.connection.CachedMessageConsumer", "target");
    private static final Field ARTEMIS_CORE = field(ActiveMQMessageConsumer.class.getName(), "consumer");

    private final MessageConsumer consumer;
    /** Null when the buffer cannot be reached or holds nothing in advance: then every call is a plain receiveNoWait(). */
    private final ClientConsumerInternal buffer;

    BufferedReceiver(MessageConsumer consumer) {
        this.consumer = consumer;
        this.buffer = bufferOf(consumer);
    }

    /** Whether the calls read the client's buffer (false: each asks the broker, as receiveNoWait does). */
    boolean readsTheBuffer() {
        return buffer != null;
    }

    /** The next message if the client already holds one; null otherwise, without a broker round trip. */
    Message nextBuffered() throws JMSException {
        if (buffer != null && buffer.getBufferSize() == 0) return null;
        return consumer.receiveNoWait(); // with a message in the buffer, Artemis takes it from there
    }

    private static ClientConsumerInternal bufferOf(MessageConsumer consumer) {
        ClientConsumerInternal core = artemisConsumerOf(consumer);
        if (core == null) {
            log.info("consumer {} is not an Artemis client consumer: each batch ends with a broker round trip", consumer.getClass().getName());
            return null;
        }
        return core.getClientWindowSize() != 0 ? core : null; // no window: nothing is ever buffered ahead
    }

    /** The Artemis core consumer behind a JMS consumer (Spring's cached one or Artemis's own); null if none. */
    static ClientConsumerInternal artemisConsumerOf(MessageConsumer consumer) {
        try {
            Object jms = SPRING_TARGET != null && SPRING_TARGET.getDeclaringClass().isInstance(consumer)
                    ? SPRING_TARGET.get(consumer) : consumer;
            if (ARTEMIS_CORE != null && jms instanceof ActiveMQMessageConsumer
                    && ARTEMIS_CORE.get(jms) instanceof ClientConsumerInternal core) return core;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("the Artemis client's buffer is not reachable: {}", e.toString());
        }
        return null;
    }

    private static Field field(String className, String name) {
        try {
            Field f = Class.forName(className).getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("{}.{} not found ({}): shard batches will end with a broker round trip", className, name, e.toString());
            return null;
        }
    }
}
