package vn.gov.lgsp.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.probe.SingletonProbe;

/**
 * Two cluster members (separate JVMs, one database) run the same scheduled job under the hub's singleton-job lock
 * ({@link SingletonJobs}): the job never runs on both at once, a run longer than the lock's lockAtMostFor keeps
 * its lock (renewed while it runs), and when its holder is killed with SIGKILL the other member takes the job
 * over once the dead holder's lock expires: within lockAtMostFor (30 s) of the kill.
 *
 * <p>Runs beside the other test classes (src/test/resources/junit-platform.properties): it mostly waits for the lock
 * to expire, in a database and JVMs of its own, and no other test stops the PostgreSQL server it shares.
 */
@Execution(ExecutionMode.CONCURRENT)
class SingletonJobsIT {
    private static final Duration LOCK_AT_MOST_FOR = Duration.ofSeconds(30);
    private final Map<String, ChildJvm> members = new HashMap<>();

    @AfterEach
    void stop() throws Exception {
        for (ChildJvm member : members.values()) member.close();
    }

    record Run(long id, String instance, Timestamp started, Timestamp finished) {}

    @Test
    void aJobRunsOnOneMemberAtATimeAndIsTakenOverWithinTheBoundWhenItsHolderIsKilled() throws Exception {
        String db = "singleton" + UUID.randomUUID().toString().substring(0, 8);
        String url = ChildJvm.newDatabase(SharedInfrastructure.get(), db);
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA probe"); // beside the hub's schema, which Flyway wants to itself
            st.execute("CREATE TABLE probe.probe_run (id BIGSERIAL PRIMARY KEY, instance TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL,"
                    + " finished_at TIMESTAMPTZ)");
            st.execute("CREATE TABLE probe.probe_control (work_ms BIGINT)");
        }
        for (String name : List.of("A", "B")) {
            Map<String, String> p = new HashMap<>();
            p.put("spring.datasource.url", url);
            p.put("spring.datasource.username", "postgres");
            p.put("spring.datasource.password", "");
            p.put("spring.flyway.locations", "classpath:db/migration");
            p.put("spring.main.banner-mode", "off");
            p.put("probe.instance", name);
            members.put(name, ChildJvm.start(SingletonProbe.class, p, db + "-" + name, "128m"));
        }

        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            // 1. both members schedule the job every 200 ms; runs of 1.5 s never overlap
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                members.forEach((name, p) -> {
                    if (!p.isAlive()) throw new IllegalStateException("member " + name + " stopped: " + p.log());
                });
                return single(st, "SELECT count(*) FROM probe.probe_run WHERE finished_at IS NOT NULL") >= 8;
            });
            assertNoOverlap(runs(st));

            // 2. a run that lasts longer than lockAtMostFor keeps its lock: the other member does not start meanwhile
            Timestamp asked = timestamp(st, "SELECT clock_timestamp()");
            st.execute("INSERT INTO probe.probe_control VALUES (120000)");
            await().atMost(Duration.ofSeconds(20)).until(() -> runs(st).stream().anyMatch(r -> r.started().after(asked)));
            st.execute("UPDATE probe.probe_control SET work_ms = 1500"); // what later runs will do
            Run longRun = runs(st).stream().filter(r -> r.started().after(asked)).findFirst().orElseThrow();
            String holder = longRun.instance();
            String other = holder.equals("A") ? "B" : "A";
            await().during(LOCK_AT_MOST_FOR.plusSeconds(5)).atMost(LOCK_AT_MOST_FOR.plusSeconds(15))
                    .until(() -> single(st, "SELECT count(*) FROM probe.probe_run WHERE id > " + longRun.id()) == 0);

            // 3. the holder dies in the middle of its run: the other member takes over once the lock expires
            members.get(holder).kill();
            Timestamp killedAt = timestamp(st, "SELECT clock_timestamp()");
            Timestamp lockUntil = timestamp(st, "SELECT lock_until AT TIME ZONE 'UTC' FROM shedlock WHERE name = 'probe-job'");
            assertThat(Duration.between(killedAt.toInstant(), lockUntil.toInstant()))
                    .as("the dead holder's lock expires within lockAtMostFor").isLessThanOrEqualTo(LOCK_AT_MOST_FOR);
            await().atMost(LOCK_AT_MOST_FOR.plusSeconds(15))
                    .until(() -> runs(st).stream().anyMatch(r -> r.id() > longRun.id() && r.instance().equals(other)));
            Run takeover = runs(st).stream().filter(r -> r.id() > longRun.id()).findFirst().orElseThrow();
            Duration afterKill = Duration.between(killedAt.toInstant(), takeover.started().toInstant());
            System.out.printf("singleton job: %s held it for a run longer than lockAtMostFor; killed; %s took over %d ms after the kill"
                    + " (lock expired %d ms after the kill); runs per member %s%n", holder, other, afterKill.toMillis(),
                    Duration.between(killedAt.toInstant(), lockUntil.toInstant()).toMillis(), perMember(runs(st)));
            assertThat(takeover.instance()).isEqualTo(other);
            assertThat(takeover.started()).as("not before the dead holder's lock expired").isAfterOrEqualTo(lockUntil);
            assertThat(afterKill).isLessThanOrEqualTo(LOCK_AT_MOST_FOR.plusSeconds(3));
            assertThat(runs(st).stream().filter(r -> r.id() == longRun.id()).findFirst().orElseThrow().finished())
                    .as("the killed run never finished").isNull();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> single(st, "SELECT count(*) FROM probe.probe_run WHERE finished_at IS NOT NULL AND id > " + longRun.id()) >= 3);
            List<Run> all = runs(st);
            all.removeIf(r -> r.id() == longRun.id());
            assertNoOverlap(all);
        }
    }

    private static Map<String, Long> perMember(List<Run> runs) {
        Map<String, Long> n = new HashMap<>();
        runs.forEach(r -> n.merge(r.instance(), 1L, Long::sum));
        return n;
    }

    /** In start order, each run starts after the previous one finished (only the last may still be running). */
    private static void assertNoOverlap(List<Run> runs) {
        for (int i = 1; i < runs.size(); i++) {
            Run before = runs.get(i - 1);
            assertThat(before.finished()).as("run %s (%s) was still running when run %s (%s) started", before.id(),
                    before.instance(), runs.get(i).id(), runs.get(i).instance()).isNotNull();
            assertThat(runs.get(i).started()).as("run %s starts after run %s finished", runs.get(i).id(), before.id())
                    .isAfterOrEqualTo(before.finished());
        }
    }

    private static List<Run> runs(Statement st) throws Exception {
        List<Run> runs = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT id, instance, started_at, finished_at FROM probe.probe_run ORDER BY started_at")) {
            while (rs.next()) runs.add(new Run(rs.getLong(1), rs.getString(2), rs.getTimestamp(3), rs.getTimestamp(4)));
        }
        return runs;
    }

    private static long single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Timestamp timestamp(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }
}
