package vn.gov.lgsp.hub.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code logback_events_total{level}}: log lines written, per level (operators alert on ERROR and WARN).
 *
 * <p>Counted by an appender on the root logger, so only lines that are written cost anything. Micrometer's own
 * LogbackMetrics (excluded in config/application.yml) counts with a turbo filter, which logback consults on every
 * {@code isDebugEnabled()}/{@code isTraceEnabled()} call of every library (dozens per message in Camel, Artemis
 * and Kafka) before the level check, for lines that are never written.
 */
@Component
public class LogEventMetrics extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private final Map<Level, Counter> counters;

    public LogEventMetrics(MeterRegistry registry) {
        this.counters = Map.of(
                Level.ERROR, counter(registry, "error"), Level.WARN, counter(registry, "warn"),
                Level.INFO, counter(registry, "info"), Level.DEBUG, counter(registry, "debug"),
                Level.TRACE, counter(registry, "trace"));
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            setContext(logback);
            setName("log-event-metrics");
            start();
            logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
        }
    }

    private static Counter counter(MeterRegistry registry, String level) {
        return Counter.builder("logback.events").description("Log lines written, per level").tag("level", level)
                .baseUnit("events").register(registry);
    }

    @Override
    protected void append(ILoggingEvent event) {
        Counter c = counters.get(event.getLevel());
        if (c != null) c.increment();
    }

    @PreDestroy
    public void detach() {
        if (getContext() instanceof LoggerContext logback) {
            Logger root = logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(this);
        }
        stop();
    }
}
