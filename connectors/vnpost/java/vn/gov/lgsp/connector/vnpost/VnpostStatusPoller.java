package vn.gov.lgsp.connector.vnpost;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.work.PartnerRejectedException;

/**
 * Asks GetStatusHistoryOrder for open orders, a batch per round, spaced to stay within the configured request
 * rate. Orders are claimed with SKIP LOCKED, so several hub instances split the work. A VNPost outage ends the
 * round early: the orders are polled again next round.
 */
@Component
public class VnpostStatusPoller {
    private static final Logger log = LoggerFactory.getLogger(VnpostStatusPoller.class);

    private final VnpostProperties props;
    private final VnpostOrderStore orders;
    private final VnpostClient client;
    private final VnpostTracking tracking;

    public VnpostStatusPoller(VnpostProperties props, VnpostOrderStore orders, VnpostClient client, VnpostTracking tracking) {
        this.props = props;
        this.orders = orders;
        this.client = client;
        this.tracking = tracking;
    }

    /** One poll round; returns the number of orders asked about. */
    public int pollOnce() throws InterruptedException {
        VnpostProperties.Poll poll = props.getPoll();
        List<String> due = orders.claimForPolling(poll.getBatchSize(), poll.getInterval());
        long spacingNanos = (long) (1e9 / poll.getRequestsPerSecond());
        long next = System.nanoTime();
        int asked = 0;
        for (String itemCode : due) {
            long wait = next - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            next = Math.max(next, System.nanoTime()) + spacingNanos;
            try {
                asked++;
                client.statusHistory(itemCode).stream()
                        .filter(r -> r.itemCode() == null || r.itemCode().equals(itemCode))
                        .forEach(r -> tracking.apply(itemCode, r.statusHistory(), "POLL"));
            } catch (VnpostUnavailableException e) {
                log.warn("VNPost tracking unavailable ({}); {} order(s) wait for the next round", e.getMessage(), due.size() - asked);
                break;
            } catch (PartnerRejectedException | IllegalArgumentException e) {
                log.warn("VNPost tracking of {} not usable: {}", itemCode, e.getMessage());
            }
        }
        return asked;
    }
}
