package vn.gov.lgsp.connector.zalo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * The ZNS this instance sent lately, by Zalo's msg_id, until their delivery receipt comes: a receipt for one of them
 * is applied as it is stored, in one group commit, instead of being stored, claimed, looked up and applied in turn
 * (two transactions and a second group commit for every ZNS, bench/PROFILING.md). A receipt for a send this instance
 * does not hold (another instance sent it, or it came after a restart, or long after) goes the stored way.
 */
@Component
class RecentZnsSends {
    /** What the hub sent that a delivery receipt is about (as notify_message holds it). */
    record Sent(String messageId, String dossierCode, String recipient, String eventType) {}

    private record Held(Sent sent, CompletableFuture<?> recorded) {}

    private final Map<String, Held> byMsgId;

    /** Holds at most hub.partners.zalo.receipts-awaited sends: those whose receipt never comes are forgotten oldest first. */
    RecentZnsSends(ZaloProperties props) {
        int capacity = props.getReceiptsAwaited();
        this.byMsgId = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * A send Zalo accepted under {@code msgId}, whose ZALO_SENT record is already in the audit log's queue;
     * {@code recorded} answers when that record is durable (or failed).
     */
    void add(String msgId, Sent sent, CompletableFuture<?> recorded) {
        if (msgId == null || msgId.isEmpty()) return;
        synchronized (byMsgId) {
            byMsgId.put(msgId, new Held(sent, recorded));
        }
    }

    /**
     * The send a receipt is about; null when this instance holds no such send, or its record failed (the stored way
     * then: the sweep finds the send once it is recorded). Not waited for: the send's record was queued for the audit
     * log's group commit before the send was added here, so what the receipt's caller queues now is written in the
     * same group commit or a later one (in the same one possibly first: the send's record never undoes a delivery).
     * Taken either way: another receipt with the same msg_id (Zalo delivers some twice) goes the stored way, where
     * its dedupe key stops it.
     */
    Sent take(String msgId) {
        Held held;
        synchronized (byMsgId) {
            held = byMsgId.remove(msgId);
        }
        return held == null || held.recorded().isCompletedExceptionally() ? null : held.sent();
    }

    int size() {
        synchronized (byMsgId) {
            return byMsgId.size();
        }
    }
}
