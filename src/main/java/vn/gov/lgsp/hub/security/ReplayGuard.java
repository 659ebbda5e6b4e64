package vn.gov.lgsp.hub.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the signatures of a partner's callbacks for as long as their timestamp window lasts: a callback whose
 * signature was already seen within the window is a replay. A callback outside the window is refused before it gets
 * here, so nothing older needs remembering. Per hub instance: across instances the partner's own keys (stored
 * with a unique constraint) still keep a repeat from being applied twice.
 */
public final class ReplayGuard {
    private final Duration window;
    private final Clock clock;
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private volatile Instant nextSweep = Instant.EPOCH;

    public ReplayGuard(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** True when the callback's timestamp lies within the window around now. */
    public boolean fresh(Instant timestamp) {
        return Duration.between(timestamp, clock.instant()).abs().compareTo(window) <= 0;
    }

    /** True the first time a signature is offered within the window, false for a replay. */
    public boolean firstUse(String signature) {
        Instant now = clock.instant();
        sweep(now);
        Instant until = now.plus(window).plus(window);   // the timestamp may lie a window ahead of our clock
        Instant earlier = seen.putIfAbsent(signature, until);
        if (earlier == null) return true;
        if (earlier.isBefore(now)) {
            return seen.replace(signature, earlier, until);
        }
        return false;
    }

    /**
     * Forgets a signature whose callback was not taken after all (the hub could not store it: its database down,
     * the hub stopping), so that the partner's retry of the same delivery is not refused as a replay.
     */
    public void forget(String signature) {
        seen.remove(signature);
    }

    private void sweep(Instant now) {
        if (now.isBefore(nextSweep)) return;
        nextSweep = now.plusSeconds(10);
        for (Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().isBefore(now)) it.remove();
        }
    }
}
