package vn.gov.lgsp.hub.privacy;

import java.time.Duration;
import java.time.Instant;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * Removes the personal data of closed dossiers once their data class's retention has passed (Decree 13/2023: kept no
 * longer than its purpose needs). A dossier is closed at its national status 3 (not accepted), 7 (withdrawn), 8
 * (stopped) or 10 (result returned), from its latest event's time; a dossier that gets an event after its purge (it is
 * changed again) is purged again once that retention passes too.
 *
 * <p>For each data class, in batches of {@code batch-size} dossiers, one transaction: every {@link PersonalDataHolder}
 * of the class clears its rows, the purge is recorded ({@code personal_data_purge}) and audited
 * ({@code PERSONAL_DATA_PURGED}, one record per dossier naming the class and the holders, no personal data). Then the
 * holders' data kept apart from dossiers (caches, webhooks) older than the retention. A singleton job: one instance at
 * a time (vn.gov.lgsp.hub.cluster.SingletonJobs), every {@code hub.privacy.purge.interval}.
 */
@Component
public class PersonalDataPurge {
    private static final Logger log = LoggerFactory.getLogger(PersonalDataPurge.class);
    /** The national status codes of a closed dossier (partners/national-portal.md); audit_redact_dossier (V41) uses the same. */
    public static final List<Integer> CLOSED_STATUSES = List.of(3, 7, 8, 10);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final PrivacyProperties props;
    private final Map<String, List<PersonalDataHolder>> byClass;

    public PersonalDataPurge(JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit, PrivacyProperties props,
                             List<PersonalDataHolder> holders) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.props = props;
        this.byClass = holders.stream().collect(Collectors.groupingBy(PersonalDataHolder::dataClass, TreeMap::new, Collectors.toList()));
        List<String> unset = byClass.keySet().stream().filter(c -> props.getRetention().get(c) == null).toList();
        if (!unset.isEmpty()) {
            throw new IllegalStateException("hub.privacy.retention has no entry for the data classes " + unset
                    + ": personal data must not be kept without a retention (config/application.yml, hub.privacy.retention)");
        }
    }

    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "personal-data-purge") // one instance at a time
    @Scheduled(initialDelayString = "${hub.privacy.purge.interval:PT1H}", fixedDelayString = "${hub.privacy.purge.interval:PT1H}")
    public void periodic() {
        if (!props.getPurge().isEnabled()) return;
        try {
            Map<String, Map<String, Integer>> done = purge(Instant.now());
            if (done.values().stream().anyMatch(m -> m.get("dossiers") + m.get("otherRows") > 0)) log.info("personal data purged: {}", done);
        } catch (RuntimeException e) {
            log.warn("personal data purge failed, tried again in {}: {}", props.getPurge().getInterval(), e.getMessage());
        }
    }

    /** Purges what is past retention at {@code now}; per data class, the dossiers and rows purged. */
    public Map<String, Map<String, Integer>> purge(Instant now) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (var entry : byClass.entrySet()) {
            String dataClass = entry.getKey();
            Duration retention = props.getRetention().get(dataClass);
            Instant cutoff = now.minus(retention);
            int dossiers = 0, rows = 0;
            List<String> codes;
            while (!(codes = due(dataClass, cutoff)).isEmpty()) {
                rows += purgeBatch(dataClass, retention, entry.getValue(), codes);
                dossiers += codes.size();
            }
            int other = 0;
            for (PersonalDataHolder h : entry.getValue()) {
                other += tx.execute(s -> h.purgeOlderThan(jdbc, cutoff));
            }
            out.put(dataClass, Map.of("dossiers", dossiers, "rows", rows, "otherRows", other));
        }
        return out;
    }

    /** Closed before the cutoff and not purged for this class since their last change. */
    private List<String> due(String dataClass, Instant cutoff) {
        String closed = CLOSED_STATUSES.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return jdbc.queryForList("SELECT d.code FROM dossier d WHERE d.status IN (" + closed + ") AND d.last_event_at < ?"
                + " AND NOT EXISTS (SELECT 1 FROM personal_data_purge p WHERE p.dossier_code = d.code AND p.data_class = ?"
                + " AND p.purged_at >= d.updated_at) ORDER BY d.last_event_at LIMIT ?", String.class,
                Timestamp.from(cutoff), dataClass, Math.max(1, props.getPurge().getBatchSize()));
    }

    private int purgeBatch(String dataClass, Duration retention, List<PersonalDataHolder> holders, List<String> codes) {
        Integer rows = tx.execute(s -> {
            int changed = 0;
            for (PersonalDataHolder h : holders) changed += h.purgeDossiers(jdbc, codes);
            for (String code : codes) {
                jdbc.update("INSERT INTO personal_data_purge (dossier_code, data_class) VALUES (?, ?)"
                        + " ON CONFLICT (dossier_code, data_class) DO UPDATE SET purged_at = now()", code, dataClass);
            }
            String names = holders.stream().map(PersonalDataHolder::name).collect(Collectors.joining(", "));
            List<AuditEntry> entries = new ArrayList<>(codes.size());
            for (String code : codes) {
                entries.add(AuditEntry.internal("hub", code, "PERSONAL_DATA_PURGED", "PURGED", dataClass,
                        "personal data of class " + dataClass + " removed (" + names + "), retention " + retention + " after closing"));
            }
            // last: the chain's lock is held from here to the commit only
            audit.appendInCurrentTransaction(entries);
            return changed;
        });
        audit.count(codes.stream().map(c -> AuditEntry.internal("hub", c, "PERSONAL_DATA_PURGED", "PURGED", dataClass, null)).toList());
        return rows == null ? 0 : rows;
    }
}
