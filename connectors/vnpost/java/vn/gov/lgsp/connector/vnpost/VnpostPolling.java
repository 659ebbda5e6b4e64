package vn.gov.lgsp.connector.vnpost;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drives the tracking poller (VNPost has no webhook for every status): a round every {@code poll.interval}, on one
 * instance of the cluster at a time (vn.gov.lgsp.hub.cluster.SingletonJobs), like every scheduled job of the hub.
 * (The core's partner worker calls {@link VnpostDeliverer} for the work itself.)
 */
@Component
@ConditionalOnProperty(name = "hub.partners.vnpost.poll.enabled", havingValue = "true", matchIfMissing = true)
public class VnpostPolling {
    private final VnpostStatusPoller poller;

    public VnpostPolling(VnpostStatusPoller poller) {
        this.poller = poller;
    }

    @Scheduled(initialDelayString = "${hub.partners.vnpost.poll.initial-delay:PT10S}",
            fixedDelayString = "${hub.partners.vnpost.poll.interval:PT5M}")
    @SchedulerLock(name = "vnpost-poll")
    public void pollRound() throws InterruptedException {
        poller.pollOnce(); // a failure of the hub's own database or broker: one warning line (ScheduledJobErrors)
    }
}
