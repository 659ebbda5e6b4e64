package vn.gov.lgsp.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/**
 * {@link AuditLog#commit}: the record a connector writes as soon as its partner accepted a call goes through the
 * audit log's group commit. It is durable when commit returns, the caller learns what its statement did (a repeat
 * inserts nothing), callers that come while the writer is busy share one database transaction, and a caller whose
 * statement fails fails alone.
 */
class AuditGroupCommitIT {
    private DriverManagerDataSource db;
    private JdbcTemplate jdbc;
    private AuditLog audit;

    @BeforeEach
    void freshDatabase() throws Exception {
        String url = ChildJvm.newDatabase(SharedInfrastructure.get(), "groupcommit" + UUID.randomUUID().toString().substring(0, 8));
        Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration")
                .placeholders(Map.of("app_role", EmbeddedInfrastructure.APP_ROLE)).load().migrate();
        db = new DriverManagerDataSource(url, "postgres", "");
        jdbc = new JdbcTemplate(db);
        jdbc.execute("CREATE TABLE sent_probe (id text PRIMARY KEY)");
        audit = new AuditLog(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() throws InterruptedException {
        audit.stop();
    }

    private static AuditLog.Companion sent(String id) {
        return new AuditLog.Companion("INSERT INTO sent_probe (id) VALUES (?) ON CONFLICT (id) DO NOTHING", new Object[] {id});
    }

    /**
     * Holds the row a first caller's statement needs (on {@code blocker}, uncommitted) and has that caller commit:
     * the writer then waits inside its transaction, and callers arriving meanwhile queue for the next one.
     */
    private Future<int[]> writerBusyWithFirst(Connection blocker, ExecutorService callers) throws Exception {
        blocker.setAutoCommit(false);
        blocker.createStatement().execute("INSERT INTO sent_probe (id) VALUES ('first')");
        Future<int[]> first = callers.submit(() -> audit.commit(sent("first")));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO sent_probe%'",
                Integer.class) == 1);
        return first;
    }

    @Test
    void aCommitIsDurableWhenItReturnsAndSaysWhatItsStatementDid() {
        assertThat(audit.commit(sent("a"), sent("b"))).containsExactly(1, 1);
        // read on a connection of its own: committed, not merely written
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sent_probe WHERE id IN ('a', 'b')", Integer.class)).isEqualTo(2);
        assertThat(audit.commit(sent("a"), sent("c"))).as("a repeat inserts nothing").containsExactly(0, 1);
    }

    @Test
    void callersArrivingWhileTheWriterIsBusyShareOneTransaction() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(20);
        try (Connection blocker = db.getConnection()) {
            Future<int[]> first = writerBusyWithFirst(blocker, callers);
            List<Future<int[]>> others = new ArrayList<>();
            for (int i = 0; i < 19; i++) {
                String id = "later-" + i;
                others.add(callers.submit(() -> audit.commit(sent(id))));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.waiting() == 19);
            blocker.rollback(); // the first caller's row is free again

            assertThat(first.get()).containsExactly(1);
            for (Future<int[]> f : others) assertThat(f.get()).containsExactly(1);
        } finally {
            callers.shutdown();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sent_probe", Integer.class)).isEqualTo(20);
        // each transaction leaves its own id on the rows it wrote: the first, then the nineteen together
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM sent_probe", Integer.class)).isEqualTo(2);
    }

    @Test
    void callersWithAlikeStatementsShareOneBatchPerStatementAndEachKeepsItsOwnOrder() throws Exception {
        List<String> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        JdbcTemplate counting = new JdbcTemplate(db) {
            @Override
            public int[] batchUpdate(String sql, List<Object[]> batchArgs) {
                batches.add(sql);
                return super.batchUpdate(sql, batchArgs);
            }
        };
        audit.stop();
        audit = new AuditLog(counting, new TransactionTemplate(new DataSourceTransactionManager(db)), new SimpleMeterRegistry());
        jdbc.execute("CREATE TABLE note_probe (id text PRIMARY KEY, note text NOT NULL)");
        ExecutorService callers = Executors.newFixedThreadPool(7);
        try (Connection blocker = db.getConnection()) {
            Future<int[]> first = writerBusyWithFirst(blocker, callers);
            // queued together, alternating: a sent record alone, then a note inserted and changed by the same caller
            List<Future<int[]>> sentAlone = new ArrayList<>(), insertThenChange = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String id = "alike-" + i;
                if (i % 2 == 0) {
                    sentAlone.add(callers.submit(() -> audit.commit(sent(id))));
                } else {
                    insertThenChange.add(callers.submit(() -> audit.commit(
                            new AuditLog.Companion("INSERT INTO note_probe (id, note) VALUES (?, 'new')", new Object[] {id}),
                            new AuditLog.Companion("UPDATE note_probe SET note = 'changed' WHERE id = ?", new Object[] {id}))));
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.waiting() == 6);
            blocker.rollback();

            assertThat(first.get()).containsExactly(1);
            for (Future<int[]> f : sentAlone) assertThat(f.get()).containsExactly(1);
            for (Future<int[]> f : insertThenChange) assertThat(f.get()).as("its insert, then its change of that row").containsExactly(1, 1);
        } finally {
            callers.shutdown();
        }
        assertThat(jdbc.queryForList("SELECT note FROM note_probe", String.class)).containsExactly("changed", "changed", "changed");
        // the first caller's commit, then one batch per kind of statement for the six callers, not one each time the kind changes
        assertThat(batches).hasSize(4);
        assertThat(batches.subList(1, 4)).containsExactlyInAnyOrder(sent("x").sql(),
                "INSERT INTO note_probe (id, note) VALUES (?, 'new')", "UPDATE note_probe SET note = 'changed' WHERE id = ?");
    }

    @Test
    void theRowsOfARowStatementAreOneExecutionForAllItsCallersAndARepeatedKeyAFurtherOneInItsCallersOrder() throws Exception {
        List<String> executions = new java.util.concurrent.CopyOnWriteArrayList<>();
        JdbcTemplate counting = new JdbcTemplate(db) {
            @Override
            public int update(org.springframework.jdbc.core.PreparedStatementCreator psc) {
                executions.add("rows");
                return super.update(psc);
            }
        };
        audit.stop();
        audit = new AuditLog(counting, new TransactionTemplate(new DataSourceTransactionManager(db)), new SimpleMeterRegistry());
        jdbc.execute("CREATE TABLE latest_probe (id text PRIMARY KEY, note text NOT NULL)");
        // an upsert: one statement may not change the same row twice, so a key's second row needs an execution of its own
        AuditLog.RowStatement latest = AuditLog.RowStatement.of("INSERT INTO latest_probe (id, note)"
                + " SELECT * FROM unnest(?::text[], ?::text[]) ON CONFLICT (id) DO UPDATE SET note = EXCLUDED.note", 0, "text", "text");
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try (Connection blocker = db.getConnection()) {
            Future<int[]> first = writerBusyWithFirst(blocker, callers);
            String[][] rows = {{"a", "a1"}, {"b", "b1"}, {"a", "a2"}, {"c", "c1"}, {"a", "a3"}};
            List<Future<int[]>> queued = new ArrayList<>();
            for (String[] row : rows) {
                queued.add(callers.submit(() -> audit.commit(latest.row((Object[]) row))));
                int n = queued.size();
                await().atMost(Duration.ofSeconds(30)).until(() -> audit.waiting() == n); // queued in this order
            }
            blocker.rollback();

            assertThat(first.get()).containsExactly(1);
            for (Future<int[]> f : queued) assertThat(f.get()).as("no count of its own").containsExactly(java.sql.Statement.SUCCESS_NO_INFO);
        } finally {
            callers.shutdown();
        }
        // a, b and c in the first execution, a's second row in the next, its third in the one after: the last one stays
        assertThat(executions).hasSize(3);
        assertThat(jdbc.queryForList("SELECT note FROM latest_probe ORDER BY id", String.class)).containsExactly("a3", "b1", "c1");
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM latest_probe", Integer.class))
                .as("the five callers' group commit").isEqualTo(1);
        assertThatThrownBy(() -> audit.recordIf(latest.row("d", "d1"), List.of(), entry("d")))
                .as("it tells no caller what it changed").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCountedRowStatementTellsEachCallerWhetherItsRowWasWrittenAndGuardsWhatFollowsIt() throws Exception {
        jdbc.execute("CREATE TABLE note_probe (id text PRIMARY KEY, note text NOT NULL)");
        jdbc.update("INSERT INTO sent_probe (id) VALUES ('seen-before')"); // as another instance stored it
        AuditLog.RowStatement stored = AuditLog.RowStatement.counted("INSERT INTO sent_probe (id) SELECT * FROM unnest(?::text[])"
                + " ON CONFLICT (id) DO NOTHING RETURNING id", 0, "text");
        AuditLog.RowStatement noted = AuditLog.RowStatement.of("INSERT INTO note_probe (id, note)"
                + " SELECT id, 'applied' FROM unnest(?::text[]) AS r(id)", 0, "text");
        ExecutorService callers = Executors.newFixedThreadPool(5);
        List<Future<Boolean>> guarded = new ArrayList<>();
        try (Connection blocker = db.getConnection()) {
            Future<int[]> first = writerBusyWithFirst(blocker, callers);
            // queued together: new, stored before, new, and the first one's key again (a duplicate callback)
            for (String id : List.of("new-1", "seen-before", "new-2", "new-1")) {
                guarded.add(callers.submit(() -> audit.recordIf(stored.row(id), List.of(noted.row(id)), entry(id))));
                int n = guarded.size();
                await().atMost(Duration.ofSeconds(30)).until(() -> audit.waiting() == n);
            }
            blocker.rollback();
            assertThat(first.get()).containsExactly(1);
            assertThat(guarded.get(0).get()).isTrue();
            assertThat(guarded.get(1).get()).as("stored before").isFalse();
            assertThat(guarded.get(2).get()).isTrue();
            assertThat(guarded.get(3).get()).as("its key came first in the same group commit").isFalse();
        } finally {
            callers.shutdown();
        }
        assertThat(jdbc.queryForList("SELECT id FROM note_probe ORDER BY id", String.class)).containsExactly("new-1", "new-2");
        assertThat(jdbc.queryForList("SELECT correlation_id FROM audit_record ORDER BY id", String.class))
                .containsExactlyInAnyOrder("new-1", "new-2");
    }

    @Test
    void aGuardedCallerWhoseFirstStatementChangesNothingWritesNothingElseInTheSameGroupCommitAsOneThatDoes() throws Exception {
        jdbc.execute("CREATE TABLE note_probe (id text PRIMARY KEY, note text NOT NULL)");
        jdbc.update("INSERT INTO sent_probe (id) VALUES ('seen-before')"); // as another instance stored it
        ExecutorService callers = Executors.newFixedThreadPool(4);
        Future<Boolean> fresh, repeat, alsoFresh;
        try (Connection blocker = db.getConnection()) {
            Future<int[]> first = writerBusyWithFirst(blocker, callers);
            // three guarded callers of one kind queued together: the middle one's key is there already
            fresh = callers.submit(() -> audit.recordIf(sent("new-1"), List.of(note("new-1")), entry("new-1")));
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.waiting() == 1);
            repeat = callers.submit(() -> audit.recordIf(sent("seen-before"), List.of(note("seen-before")), entry("seen-before")));
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.waiting() == 2);
            alsoFresh = callers.submit(() -> audit.recordIf(sent("new-2"), List.of(note("new-2")), entry("new-2")));
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.waiting() == 3);
            blocker.rollback();
            assertThat(first.get()).containsExactly(1);
            assertThat(fresh.get()).isTrue();
            assertThat(repeat.get()).as("its guard changed nothing").isFalse();
            assertThat(alsoFresh.get()).isTrue();
        } finally {
            callers.shutdown();
        }
        assertThat(jdbc.queryForList("SELECT id FROM note_probe ORDER BY id", String.class)).containsExactly("new-1", "new-2");
        assertThat(jdbc.queryForList("SELECT correlation_id FROM audit_record ORDER BY id", String.class))
                .containsExactly("new-1", "new-2");
        // the chain holds over what was written (and what was left out never entered it)
        List<String> prevs = jdbc.queryForList("SELECT prev_hash FROM audit_record ORDER BY id", String.class);
        List<String> hashes = jdbc.queryForList("SELECT record_hash FROM audit_record ORDER BY id", String.class);
        assertThat(prevs.get(1)).isEqualTo(hashes.get(0));
    }

    private static AuditLog.Companion note(String id) {
        return new AuditLog.Companion("INSERT INTO note_probe (id, note) VALUES (?, 'applied')", new Object[] {id});
    }

    private static AuditEntry entry(String id) {
        return AuditEntry.in("probe", null, "PROBE", "RECORDED", id, null);
    }

    @Test
    void aCallerWhoseStatementFailsDoesNotFailTheOthersOfItsGroupCommit() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try (Connection blocker = db.getConnection()) {
            Future<int[]> first = writerBusyWithFirst(blocker, callers);
            // queued together behind the first: four good statements and one the table refuses (a null key)
            List<Future<int[]>> good = new ArrayList<>();
            for (int i = 0; i < 2; i++) good.add(callers.submit(() -> audit.commit(sent("good-" + UUID.randomUUID()))));
            Future<int[]> bad = callers.submit(() -> audit.commit(sent(null)));
            for (int i = 0; i < 2; i++) good.add(callers.submit(() -> audit.commit(sent("good-" + UUID.randomUUID()))));
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.waiting() == 5);
            blocker.rollback();

            assertThat(first.get()).containsExactly(1);
            for (Future<int[]> f : good) assertThat(f.get()).containsExactly(1);
            assertThatThrownBy(bad::get).hasRootCauseInstanceOf(java.sql.SQLException.class)
                    .rootCause().hasMessageContaining("null value");
        } finally {
            callers.shutdown();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sent_probe WHERE id LIKE 'good-%'", Integer.class)).isEqualTo(4);
    }
}
