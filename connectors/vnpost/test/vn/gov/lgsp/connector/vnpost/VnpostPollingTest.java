package vn.gov.lgsp.connector.vnpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.CannotCreateTransactionException;

/** A poll round that meets an outage of the hub's own database or broker, and one that meets a bug. */
class VnpostPollingTest {

    /** A poller whose round fails with {@code failure} (its collaborators are never reached). */
    private static VnpostStatusPoller failingWith(RuntimeException failure, AtomicInteger rounds) {
        return new VnpostStatusPoller(null, null, null, null) {
            @Override
            public int pollOnce() {
                rounds.incrementAndGet();
                throw failure;
            }
        };
    }

    @Test
    void anInfrastructureOutageEndsTheRoundWithAWarningNotAnError() {
        AtomicInteger rounds = new AtomicInteger();
        RuntimeException brokerDown = new CannotCreateTransactionException("Could not create JMS transaction",
                new jakarta.jms.JMSException("AMQ219007: Cannot connect to server(s)"));
        VnpostPolling polling = new VnpostPolling(failingWith(brokerDown, rounds));
        // the scheduler would log an escaping exception as an ERROR with its stack trace
        assertThatCode(polling::pollRound).doesNotThrowAnyException();
        assertThatCode(polling::pollRound).doesNotThrowAnyException();
        assertThat(rounds).hasValue(2); // the next round tries again
    }

    @Test
    void aFailureThatIsNotAnOutageStillReachesTheScheduler() {
        VnpostPolling polling = new VnpostPolling(failingWith(new IllegalStateException("a bug"), new AtomicInteger()));
        assertThatThrownBy(polling::pollRound).isInstanceOf(IllegalStateException.class).hasMessage("a bug");
    }
}
