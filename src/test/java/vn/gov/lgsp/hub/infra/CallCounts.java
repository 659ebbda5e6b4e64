package vn.gov.lgsp.hub.infra;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A partner simulator's count of the requests it received, in all and per business key (RequestId, DocumentId):
 * a key counted more than once means the hub sent the same request again.
 */
public final class CallCounts {
    private final Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    public void count(String key) {
        total.incrementAndGet();
        perKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    public long total() {
        return total.get();
    }

    public Map<String, Integer> perKey() {
        Map<String, Integer> copy = new HashMap<>();
        perKey.forEach((key, n) -> copy.put(key, n.get()));
        return copy;
    }

    public void clear() {
        perKey.clear();
        total.set(0);
    }
}
