package vn.gov.lgsp.hub.work;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The batch of one shard that a work item was taken in, handed to the connector's deliver route as the exchange
 * property {@link WorkHeaders#BATCH}. A connector that reads a record per call (what the partner already holds, what
 * was already sent) can read it for the whole batch in one statement instead: {@link #shared} runs the reading once
 * per batch, and calls on other call threads wait for it rather than reading the same rows again.
 */
public final class WorkBatch {
    private final List<WorkItem> items;
    private final ConcurrentHashMap<String, Object> shared = new ConcurrentHashMap<>();

    public WorkBatch(List<WorkItem> items) {
        this.items = List.copyOf(items);
    }

    /** Every item of the batch, in the shard's order (completed ones and repeats included). */
    public List<WorkItem> items() {
        return items;
    }

    /**
     * The value kept under {@code key} for this batch, made by {@code load} from the batch's items the first time it
     * is asked for. If {@code load} throws, nothing is kept and the exception reaches the caller (whose call then
     * fails as any other).
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(String key, Function<List<WorkItem>, T> load) {
        return (T) shared.computeIfAbsent(key, k -> load.apply(items));
    }
}
