package vn.gov.lgsp.hub.infra;

import java.time.Duration;
import java.util.Random;

/**
 * A partner simulator's random choices (which calls fail, how long an answer takes), drawn from a fixed seed so that
 * a run's sequence of draws is the same each time.
 */
public final class SimulatedChances {
    private final Random random;

    public SimulatedChances(long seed) {
        this.random = new Random(seed);
    }

    /** True for about {@code share} of the calls; nothing is drawn when the share is 0 or less. */
    public synchronized boolean chance(double share) {
        if (share <= 0) return false;
        return random.nextDouble() < share;
    }

    /** A delay drawn evenly from [min, max] (min when max is not above it). */
    public synchronized Duration between(Duration min, Duration max) {
        long from = min.toMillis(), to = Math.max(from, max.toMillis());
        return Duration.ofMillis(from + (to > from ? (long) (random.nextDouble() * (to - from)) : 0));
    }

    public synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
