package vn.gov.lgsp.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;

/** logback_events_total counts the lines written, per level, without a filter in front of every log check. */
@HubIntegrationTest
class LogEventMetricsIT {
    private static final Logger log = LoggerFactory.getLogger(LogEventMetricsIT.class);

    @Autowired MeterRegistry metrics;

    @Test
    void writtenLinesAreCountedPerLevelAndNoTurboFilterSitsOnEveryCheck() {
        double warnBefore = count("warn"), debugBefore = count("debug");
        log.warn("a warning an operator would alert on");
        log.warn("and another");
        log.debug("below the configured level: not written, not counted");
        assertThat(count("warn") - warnBefore).isEqualTo(2.0);
        assertThat(count("debug") - debugBefore).isZero();
        // a turbo filter is consulted before the level check of every debug/trace call of every library
        assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getTurboFilterList()).isEmpty();
    }

    private double count(String level) {
        var c = metrics.find("logback.events").tag("level", level).counter();
        return c == null ? 0 : c.count();
    }
}
