package vn.gov.lgsp.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.CannotCreateTransactionException;
import vn.gov.lgsp.hub.work.HubNotReadyException;

/** How a scheduled job's failure is logged: an outage of the hub's own infrastructure, or anything else. */
class ScheduledJobErrorsTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(ScheduledJobErrors.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    @Test
    void aBrokerOrDatabaseOutageIsOneWarningLineWithoutATrace() {
        ScheduledJobErrors.HANDLER.handleError(new CannotCreateTransactionException("Could not create JMS transaction",
                new jakarta.jms.JMSException("AMQ219007: Cannot connect to server(s)")));
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("database or broker is unavailable").contains("Could not create JMS transaction");
            assertThat(e.getThrowableProxy()).isNull();
        });
    }

    @Test
    void aRunCutShortByTheHubStoppingIsOneInfoLineWithoutATrace() {
        ScheduledJobErrors.HANDLER.handleError(new org.apache.camel.CamelExecutionException("poll round",
                null, new HubNotReadyException("the business routes are not running (Camel is Stopped)")));
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getFormattedMessage()).contains("Camel is Stopped").contains("once the hub accepts work");
            assertThat(e.getThrowableProxy()).isNull();
        });
    }

    @Test
    void anyOtherFailureStaysAnErrorWithItsTrace() {
        ScheduledJobErrors.HANDLER.handleError(new IllegalStateException("a bug"));
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getThrowableProxy().getMessage()).isEqualTo("a bug");
        });
    }
}
