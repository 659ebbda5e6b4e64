package vn.gov.lgsp.hub.work;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A partner's rate limit ({@code hub.queues.partners.<p>.rate-limit-per-second}) for the whole cluster: one token
 * bucket per partner in PostgreSQL (table {@code cluster_rate_bucket}), refilled at the limit from the database's
 * clock, holding at most {@code batch} tokens. An instance takes up to {@code batch} tokens at a time with one
 * {@code UPDATE ... RETURNING} and spends them within {@code batch / limit} seconds (50 ms), after which what it
 * has not spent is dropped: tokens never pile up on an instance. Every instance's calls therefore come out of the
 * one bucket, however many instances there are, and come and go with them (no membership to keep).
 *
 * <p>Bound: in any one-second window the cluster makes at most {@code limit + 2 x batch} calls (the bucket's
 * capacity plus the tokens taken up to 50 ms before the window), with {@code batch = ceil(limit / 20)}: at most 56
 * for a limit of 50, 110 for 100. Cost: about {@code limit / batch} (20) updates of one row a second in the cluster,
 * more while instances wait for tokens. If the database fails, {@link #acquire()} throws the data access exception
 * (the caller's batch rolls back, as for any database failure).
 */
public class ClusterRateLimiter {
    private final JdbcTemplate jdbc;
    private final String partner;
    private final double perSecond;
    private final int batch;
    private final long holdNanos;
    private final String take;
    private int held;
    private long heldSince;

    public ClusterRateLimiter(JdbcTemplate jdbc, String partner, double perSecond) {
        this.jdbc = jdbc;
        this.partner = partner;
        this.perSecond = perSecond;
        this.batch = perSecond <= 0 ? 0 : (int) Math.max(1, Math.ceil(perSecond / 20));
        this.holdNanos = perSecond <= 0 ? 0 : (long) (batch / perSecond * 1e9);
        // the tokens the bucket has now: what it had plus the time since, at the rate, up to its capacity
        String available = "LEAST(" + (double) batch + ", tokens + " + perSecond
                + " * GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() - refilled_at))))";
        String granted = "LEAST(?, GREATEST(0, floor(" + available + ")))";
        this.take = "UPDATE cluster_rate_bucket SET tokens = " + available + " - " + granted + ", last_grant = " + granted
                + ", refilled_at = GREATEST(refilled_at, clock_timestamp()) WHERE partner = ? RETURNING last_grant, tokens";
        if (perSecond > 0) {
            jdbc.update("INSERT INTO cluster_rate_bucket (partner, tokens) VALUES (?, ?) ON CONFLICT (partner) DO NOTHING",
                    partner, (double) batch);
        }
    }

    /** Tokens taken from the bucket at a time (and the bucket's capacity). */
    public int batch() {
        return batch;
    }

    /** Blocks until the cluster's quota allows one more call of this partner. */
    public void acquire() throws InterruptedException {
        if (perSecond <= 0) return;
        while (true) {
            long waitNanos;
            synchronized (this) {
                if (held > 0 && System.nanoTime() - heldSince < holdNanos) {
                    held--;
                    return;
                }
                held = 0;
                Map<String, Object> r = jdbc.queryForMap(take, batch, batch, partner);
                int granted = ((Number) r.get("last_grant")).intValue();
                if (granted > 0) {
                    held = granted - 1;
                    heldSince = System.nanoTime();
                    return;
                }
                // until the bucket holds a batch again
                double left = ((Number) r.get("tokens")).doubleValue();
                waitNanos = (long) (Math.max(0.1, batch - left) / perSecond * 1e9);
            }
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }
}
