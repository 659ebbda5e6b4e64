package vn.gov.lgsp.connector.zalo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The ZNS this instance sent lately, by Zalo's msg_id, until their delivery receipt comes: a receipt for one of them
 * is applied as it is stored, in one group commit, instead of being stored, claimed, looked up and applied in turn
 * (two transactions and a second group commit for every ZNS, bench/PROFILING.md). A receipt for a send this instance
 * does not hold (another instance sent it, or it came after a restart, or long after) goes the stored way.
 */
@Component
class RecentZnsSends {
    /** Sends held at most (about 300 bytes each): receipts that never come are forgotten oldest first. */
    static final int CAPACITY = 20_000;
    /** How long a receipt waits for its send's record, begun when Zalo answered the send, to be durable. */
    static final long RECORD_WAIT_MILLIS = 2_000;

    /** What the hub sent that a delivery receipt is about (as notify_message holds it). */
    record Sent(String messageId, String dossierCode, String recipient, String eventType) {}

    private record Held(Sent sent, CompletableFuture<?> recorded) {}

    private final Map<String, Held> byMsgId = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
            return size() > CAPACITY;
        }
    };

    /** A send Zalo accepted under {@code msgId}; {@code recorded} answers when its ZALO_SENT record is durable. */
    void add(String msgId, Sent sent, CompletableFuture<?> recorded) {
        if (msgId == null || msgId.isEmpty()) return;
        synchronized (byMsgId) {
            byMsgId.put(msgId, new Held(sent, recorded));
        }
    }

    /**
     * The send a receipt is about, once its record is durable; null when this instance holds no such send or its
     * record failed or is not durable within {@link #RECORD_WAIT_MILLIS}. Taken either way: another receipt with the
     * same msg_id (Zalo delivers some twice) goes the stored way, where its dedupe key stops it.
     */
    Sent take(String msgId) {
        Held held;
        synchronized (byMsgId) {
            held = byMsgId.remove(msgId);
        }
        if (held == null) return null;
        try {
            held.recorded().get(RECORD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return held.sent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception notDurable) {
            return null; // the stored way: the sweep finds the send once it is recorded
        }
    }

    int size() {
        synchronized (byMsgId) {
            return byMsgId.size();
        }
    }
}
