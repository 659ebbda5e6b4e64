package vn.gov.lgsp.connector.sms;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.work.PartnerWorkQueues;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Puts SMS deferred by quiet hours back on the sms work queue once their time has come, so they are sent with
 * the queue's retries, rate limit and audit like any other. Rows are claimed FOR UPDATE SKIP LOCKED (one instance
 * releases each); the broker commits before the row is marked, so a crash in between releases it twice, and the
 * second is absorbed by the work id and the message id.
 */
@Component
public class SmsReleaser {
    private static final Logger log = LoggerFactory.getLogger(SmsReleaser.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final PartnerWorkQueues queues;
    private final Clock clock;

    public SmsReleaser(JdbcTemplate jdbc, TransactionTemplate tx, PartnerWorkQueues queues, @Qualifier("smsClock") Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.queues = queues;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${hub.partners.sms.release-interval:PT30S}")
    @SchedulerLock(name = "sms-release") // one instance at a time (vn.gov.lgsp.hub.cluster.SingletonJobs)
    public void release() {
        try {
            tx.executeWithoutResult(s -> {
                List<Map<String, Object>> due = jdbc.queryForList(
                        "SELECT message_id, dossier_code, event_type FROM sms_message WHERE status = 'DEFERRED' AND not_before <= ?"
                                + " ORDER BY not_before LIMIT 200 FOR UPDATE SKIP LOCKED", Timestamp.from(clock.instant()));
                if (due.isEmpty()) return;
                queues.enqueueAll(due.stream().map(r -> WorkItem.first(SmsSender.PARTY, "sms-release:" + r.get("message_id"),
                        (String) r.get("dossier_code"), (String) r.get("event_type"),
                        "{\"messageId\":\"" + r.get("message_id") + "\",\"released\":true}")).toList());
                jdbc.batchUpdate("UPDATE sms_message SET status = 'RELEASED' WHERE message_id = ?",
                        due.stream().map(r -> new Object[] {r.get("message_id")}).toList());
                log.info("sms: {} message(s) released after quiet hours", due.size());
            });
        } catch (Exception e) {
            log.warn("sms release failed: {}", e.getMessage());
        }
    }
}
