package vn.gov.lgsp.hub.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ErrorHandler;
import vn.gov.lgsp.hub.work.HubNotReadyException;
import vn.gov.lgsp.hub.work.InfrastructureFaults;

/**
 * How a scheduled job's failure is logged. A run that fails because the hub's own database or broker is down (an
 * outage with its own alerts and health checks) is one warning line, not an ERROR with a stack trace from every job
 * on every run of the outage; the job runs again at its next time. A run cut short because the hub is stopping (or
 * not yet started: its business routes are not running) is one INFO line: its transaction rolls back and the next
 * run, after the restart, does the work again. Anything else stays an ERROR with its trace.
 */
@Configuration(proxyBeanMethods = false)
public class ScheduledJobErrors {
    private static final Logger log = LoggerFactory.getLogger(ScheduledJobErrors.class);

    static final ErrorHandler HANDLER = failure -> {
        HubNotReadyException notReady = notReady(failure);
        if (notReady != null) {
            log.info("scheduled job run ended early: {}; it runs again once the hub accepts work", notReady.getMessage());
        } else if (InfrastructureFaults.isInfrastructure(failure)) {
            log.warn("scheduled job run ended early: the hub's database or broker is unavailable ({}); it runs again at its next time",
                    failure.getMessage());
        } else {
            log.error("scheduled job failed", failure);
        }
    };

    /** The hub-not-ready failure behind a job's failure (however wrapped), or null. */
    private static HubNotReadyException notReady(Throwable t) {
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof HubNotReadyException e) return e;
        }
        return null;
    }

    @Bean
    ThreadPoolTaskSchedulerCustomizer scheduledJobErrorHandler() {
        return scheduler -> scheduler.setErrorHandler(HANDLER);
    }
}
