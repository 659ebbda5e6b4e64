package vn.gov.lgsp.connector.vnpost;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.work.InfrastructureFaults;

/**
 * Drives the tracking poller (VNPost has no webhook for every status): a round every {@code poll.interval}, on one
 * instance of the cluster at a time (vn.gov.lgsp.hub.cluster.SingletonJobs), like every scheduled job of the hub.
 * (The core's partner worker calls {@link VnpostDeliverer} for the work itself.)
 */
@Component
@ConditionalOnProperty(name = "hub.partners.vnpost.poll.enabled", havingValue = "true", matchIfMissing = true)
public class VnpostPolling {
    private static final Logger log = LoggerFactory.getLogger(VnpostPolling.class);
    private final VnpostStatusPoller poller;

    public VnpostPolling(VnpostStatusPoller poller) {
        this.poller = poller;
    }

    @Scheduled(initialDelayString = "${hub.partners.vnpost.poll.initial-delay:PT10S}",
            fixedDelayString = "${hub.partners.vnpost.poll.interval:PT5M}")
    @SchedulerLock(name = "vnpost-poll")
    public void pollRound() throws InterruptedException {
        try {
            poller.pollOnce();
        } catch (RuntimeException e) {
            if (!InfrastructureFaults.isInfrastructure(e)) throw e;
            // an outage of the hub's own database or broker, not a fault of the round: one line, not a stack trace
            // every round (the outage has its own alerts); nothing is lost, the next round asks again
            log.warn("VNPost poll round ended early: the hub's database or broker is unavailable ({})", e.getMessage());
        }
    }
}
