package vn.gov.lgsp.connector.vnpost;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.work.InfrastructureFaults;
import vn.gov.lgsp.hub.work.PartnerRejectedException;

/**
 * Asks GetStatusHistoryOrder for open orders, a batch per round, spaced to stay within the configured request
 * rate. Orders are claimed with SKIP LOCKED, so several hub instances split the work. A VNPost outage ends the
 * round early: the orders are polled again next round. So does the hub stopping: the orders not asked about yet are
 * handed back (polled first next round, by whichever instance runs), so a stop does not wait for a whole round
 * (up to batch-size / requests-per-second: 40 s with the defaults).
 */
@Component
public class VnpostStatusPoller {
    private static final Logger log = LoggerFactory.getLogger(VnpostStatusPoller.class);

    private final VnpostProperties props;
    private final VnpostOrderStore orders;
    private final VnpostClient client;
    private final VnpostTracking tracking;
    private final AuditLog audit;
    private final CountDownLatch stopping = new CountDownLatch(1);

    public VnpostStatusPoller(VnpostProperties props, VnpostOrderStore orders, VnpostClient client, VnpostTracking tracking,
                              AuditLog audit) {
        this.audit = audit;
        this.props = props;
        this.orders = orders;
        this.client = client;
        this.tracking = tracking;
    }

    /** Before Camel stops (closed-event listeners run first): a round in progress ends after its current call. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void stop() {
        stopping.countDown();
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
            if (stopping.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                orders.handBack(due.subList(asked, due.size()));
                log.info("VNPost poll round stopped with the hub; {} order(s) handed back to the next round", due.size() - asked);
                break;
            }
            next = Math.max(next, System.nanoTime()) + spacingNanos;
            try {
                asked++;
                client.statusHistory(itemCode, (item, why) -> unreadable(itemCode, why)).stream()
                        .filter(r -> r.itemCode() == null || r.itemCode().equals(itemCode))
                        .forEach(r -> tracking.apply(itemCode, r.statusHistory(), "POLL"));
            } catch (VnpostUnavailableException e) {
                log.warn("VNPost tracking unavailable ({}); {} order(s) wait for the next round", e.getMessage(), due.size() - asked);
                break;
            } catch (PartnerRejectedException | IllegalArgumentException e) {
                log.warn("VNPost tracking of {} not usable: {}", itemCode, e.getMessage());
            } catch (RuntimeException e) {
                // the hub's own database or broker failed recording what VNPost answered: this order and the rest
                // are asked about first next round (if the database takes the hand-back; else after their interval)
                if (InfrastructureFaults.isInfrastructure(e)) handBackIfPossible(due.subList(asked - 1, due.size()));
                throw e;
            }
        }
        return asked;
    }

    /**
     * One status record VNPost sent that cannot be read: left out (logged, counted as hub_messages_total{party=vnpost,
     * outcome=UNREADABLE}) so the order's other statuses still move its tracking on.
     */
    private void unreadable(String itemCode, IllegalArgumentException why) {
        log.warn("VNPost tracking of {}: a status record was left out: {}", itemCode, why.getMessage());
        audit.count(List.of(AuditEntry.in(VnpostTracking.PARTY, null, "TRACKING_POLL", "UNREADABLE", itemCode, null)));
    }

    private void handBackIfPossible(List<String> itemCodes) {
        try {
            orders.handBack(itemCodes);
        } catch (RuntimeException databaseDownToo) {
            // polled again once their interval has passed
        }
    }
}
