package vn.gov.lgsp.connector.zalo;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.satisfaction.RatingInvitations;

/**
 * Hands due rating invitations to the zalo queue (every hub.partners.zalo.rating.release-interval), never during
 * quiet hours: an invitation due at 20:59 but found at 21:00 (the hub was down, the queue was long) waits for the
 * morning. The SMS fallback has its own quiet hours on top (connectors/sms).
 */
@Component
public class ZaloRatingReleaser {
    private static final Logger log = LoggerFactory.getLogger(ZaloRatingReleaser.class);

    private final RatingInvitations invitations;
    private final ZaloProperties props;
    private final Clock clock;

    public ZaloRatingReleaser(RatingInvitations invitations, ZaloProperties props, @Qualifier("zaloClock") Clock clock) {
        this.invitations = invitations;
        this.props = props;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${hub.partners.zalo.rating.release-interval:PT30S}")
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "zalo-rating-release") // one instance at a time (SingletonJobs)
    public void release() {
        Instant now = clock.instant();
        if (props.getRating().quiet(now)) return;
        try {
            int n;
            do {
                n = invitations.release(ZaloNotifier.PARTY, now, 200);
                if (n > 0) log.info("zalo: {} rating invitation(s) queued", n);
            } while (n == 200);
        } catch (Exception e) {
            log.warn("zalo: rating invitations not queued this time: {}", e.getMessage());
        }
    }
}
