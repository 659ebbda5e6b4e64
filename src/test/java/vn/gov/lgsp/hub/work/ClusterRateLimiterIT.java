package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/**
 * Three instances' limiters (each with its own database connection, as three hubs would have) share a partner's
 * limit of 50 calls a second through PostgreSQL: measured per second, the calls of all three never exceed the
 * limit plus the documented burst, and the limit is used (the three together get close to 50 a second).
 */
class ClusterRateLimiterIT {
    private static final int LIMIT = 50;
    private static final int INSTANCES = 3;
    private static final int THREADS_PER_INSTANCE = 4;
    private static final long RUN_NANOS = 6_000_000_000L;

    @Test
    void threeInstancesTogetherStayWithinThePartnersLimitInEverySecond() throws Exception {
        String url = ChildJvm.newDatabase(SharedInfrastructure.get(), "quota" + UUID.randomUUID().toString().substring(0, 8));
        Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").load().migrate();

        List<SingleConnectionDataSource> connections = new ArrayList<>();
        List<ClusterRateLimiter> limiters = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            SingleConnectionDataSource ds = new SingleConnectionDataSource(url, "postgres", "", true);
            connections.add(ds);
            limiters.add(new ClusterRateLimiter(new JdbcTemplate(ds), "national-portal", LIMIT));
        }
        int burst = 2 * limiters.get(0).batch();

        ConcurrentLinkedQueue<long[]> calls = new ConcurrentLinkedQueue<>(); // {instance, nanos since start}
        CountDownLatch done = new CountDownLatch(INSTANCES * THREADS_PER_INSTANCE);
        long start = System.nanoTime();
        for (int i = 0; i < INSTANCES; i++) {
            int instance = i;
            for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
                Thread worker = new Thread(() -> {
                    try {
                        while (System.nanoTime() - start < RUN_NANOS) {
                            limiters.get(instance).acquire();
                            long at = System.nanoTime() - start;
                            if (at < RUN_NANOS) calls.add(new long[] {instance, at}); // the partner call, made now
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                }, "instance-" + i + "-call-" + t);
                worker.start();
            }
        }
        done.await();
        connections.forEach(SingleConnectionDataSource::destroy);

        List<Long> times = new ArrayList<>(calls.stream().map(c -> c[1]).toList());
        Collections.sort(times);
        int[] perSecond = new int[(int) (RUN_NANOS / 1_000_000_000L)];
        for (long t : times) perSecond[(int) (t / 1_000_000_000L)]++;
        int worstWindow = 0; // any one-second window, not only those starting on a whole second
        for (int from = 0, to = 0; from < times.size(); from++) {
            while (to < times.size() && times.get(to) - times.get(from) < 1_000_000_000L) to++;
            worstWindow = Math.max(worstWindow, to - from);
        }
        long[] perInstance = new long[INSTANCES];
        calls.forEach(c -> perInstance[(int) c[0]]++);
        System.out.printf("cluster quota %d/s, 3 instances x %d threads: calls per second %s, worst one-second window %d,"
                + " per instance %s, burst allowed %d%n", LIMIT, THREADS_PER_INSTANCE, java.util.Arrays.toString(perSecond),
                worstWindow, java.util.Arrays.toString(perInstance), burst);

        assertThat(worstWindow).as("calls in any one-second window").isLessThanOrEqualTo(LIMIT + burst);
        for (int s : perSecond) assertThat(s).isLessThanOrEqualTo(LIMIT + burst);
        // the quota is shared, not wasted: after the first second, every second uses most of it
        for (int s = 1; s < perSecond.length; s++) assertThat(perSecond[s]).as("second %d", s).isGreaterThanOrEqualTo(LIMIT * 8 / 10);
        for (long n : perInstance) assertThat(n).as("every instance gets calls through").isPositive();
    }

    @Test
    void noLimitMeansNoWaitAndNoDatabase() throws Exception {
        ClusterRateLimiter unlimited = new ClusterRateLimiter(null, "zalo", 0); // never touches the database
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) unlimited.acquire();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }
}
