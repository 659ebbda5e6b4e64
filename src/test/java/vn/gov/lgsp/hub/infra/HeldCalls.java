package vn.gov.lgsp.hub.infra;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A partner simulator's calls kept waiting on demand, so a test finds the hub with calls in flight at the partner
 * (the crash test kills it then): {@link #hold}, and each call {@link #awaitRelease awaits} the {@link #release}.
 */
public final class HeldCalls {
    private final AtomicInteger held = new AtomicInteger();
    /** While holding: how many more calls may still pass before the rest are held. */
    private final AtomicInteger passBeforeHold = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    /** Lets {@code passFirst} more calls through, then keeps every later one waiting until {@link #release()}. */
    public void hold(int passFirst) {
        passBeforeHold.set(passFirst);
        hold = new CountDownLatch(1);
    }

    public void release() {
        hold.countDown();
    }

    /** Calls waiting now: what the hub has in flight at the partner. */
    public int held() {
        return held.get();
    }

    /** A call waits here while held (at most 5 minutes, so a forgotten hold ends the test rather than hangs it). */
    public void awaitRelease() {
        CountDownLatch latch = hold;
        if (latch.getCount() == 0 || passBeforeHold.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return;
        held.incrementAndGet();
        try {
            latch.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            held.decrementAndGet();
        }
    }
}
