package vn.gov.lgsp.connector.vnpost;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.connector.vnpost.VnpostOrderStore.OrderRow;
import vn.gov.lgsp.connector.vnpost.dto.StatusRecord;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Turns VNPost status records (polled or pushed) into dossier updates: each status once, in time order.
 *
 * <p>Per order, under a row lock: every record not seen before is stored (unique per order, code and time), mapped
 * ({@link VnpostStatusMapping}) and audited; the new updates are queued for the one-stop system (broker commit
 * first, then the database). A crash between the two commits re-queues the same updates with the same updateIds
 * on the next poll, which the one-stop system drops as repeats. A record older than the latest one already
 * forwarded (a late push) is stored and audited as STALE but not forwarded, so the dossier never goes backwards.
 */
@Component
public class VnpostTracking {
    private static final Logger log = LoggerFactory.getLogger(VnpostTracking.class);
    public static final String PARTY = "vnpost";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final VnpostOrderStore orders;
    private final DossierUpdates updates;
    private final AuditLog audit;

    public record Outcome(boolean knownOrder, int newStatuses, int forwarded) {}

    public VnpostTracking(JdbcTemplate jdbc, TransactionTemplate tx, VnpostOrderStore orders, DossierUpdates updates,
                          AuditLog audit) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.orders = orders;
        this.updates = updates;
        this.audit = audit;
    }

    public Outcome apply(String itemCode, List<StatusRecord> history, String channel) {
        List<AuditEntry> audited = new ArrayList<>();
        Outcome outcome = tx.execute(status -> {
            OrderRow order = orders.lockByItemCode(itemCode).orElse(null);
            if (order == null) return new Outcome(false, 0, 0);
            // names cut to the column: a label VNPost made too long must not fail the order's tracking (or the poll
            // round); the push endpoint refuses such names before they get here
            List<StatusRecord> sorted = new ArrayList<>(history.stream().map(StatusRecord::fitted).toList());
            sorted.sort(Comparator.comparing(StatusRecord::at)); // stable: same-second records keep VNPost's order
            List<DossierUpdate> produced = new ArrayList<>();
            String state = order.state();
            Integer last = order.lastStatus();
            var lastAt = order.lastStatusAt();
            int fresh = 0;
            for (StatusRecord s : sorted) {
                long id;
                List<Long> ids = jdbc.queryForList("INSERT INTO vnpost_status (order_id, status_code, status_name, status_at, channel)"
                                + " VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING id", Long.class,
                        order.id(), s.statusCode(), s.statusName(), Timestamp.from(s.at().toInstant()), channel);
                if (ids.isEmpty()) continue; // seen before (poll and push overlap)
                id = ids.get(0);
                fresh++;
                boolean stale = lastAt != null && s.at().isBefore(lastAt);
                String type = VnpostStatusMapping.updateType(order.purpose(), s.statusCode());
                String updateId = null;
                if (!stale && type != null) {
                    updateId = updateId(order, s);
                    produced.add(DossierUpdates.of(updateId, order.dossierCode(), type, PARTY, statusDetail(order, s, channel)));
                    jdbc.update("UPDATE vnpost_status SET update_id = ?, update_type = ? WHERE id = ?", updateId, type, id);
                }
                if (!stale) {
                    last = s.statusCode();
                    lastAt = s.at();
                    if (VnpostStatusMapping.closes(s.statusCode(), order.codAmount())) state = VnpostOrderStore.CLOSED;
                }
                String outcomeName = stale ? "STALE" : VnpostStatusMapping.UNKNOWN.equals(type) ? "UNKNOWN_STATUS" : "ACCEPTED";
                if ("UNKNOWN_STATUS".equals(outcomeName)) {
                    log.warn("VNPost order {} reported unknown status {} ({}); forwarded as {}", itemCode, s.statusCode(),
                            s.statusName(), VnpostStatusMapping.UNKNOWN);
                }
                audited.add(AuditEntry.in(PARTY, order.dossierCode(), "TRACKING_" + channel, outcomeName,
                        updateId != null ? updateId : "vnpost:" + itemCode + ":" + s.statusCode(),
                        statusDetail(order, s, channel).toString()));
            }
            if (fresh == 0) return new Outcome(true, 0, 0);
            if (VnpostOrderStore.CANCELLED.equals(order.state())) state = VnpostOrderStore.CANCELLED;
            orders.setLastStatus(order.id(), state, last, lastAt);
            updates.publish(produced); // broker first (see class comment)
            audit.appendInCurrentTransaction(audited);
            return new Outcome(true, fresh, produced.size());
        });
        audit.count(audited);
        return outcome;
    }

    /** Stable per business fact: "vnpost:<itemCode>:<statusCode>", with "#n" when VNPost repeats a code later. */
    private String updateId(OrderRow order, StatusRecord s) {
        Integer n = jdbc.queryForObject("SELECT count(*) FROM vnpost_status WHERE order_id = ? AND status_code = ? AND status_at <= ?",
                Integer.class, order.id(), s.statusCode(), Timestamp.from(s.at().toInstant()));
        String base = "vnpost:" + order.itemCode() + ":" + s.statusCode();
        return n == null || n <= 1 ? base : base + "#" + n;
    }

    /** The detail of a status update: the update contract's postal status (itemCode is the citizen's tracking number). */
    public static ObjectNode statusDetail(OrderRow order, StatusRecord s, String channel) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("itemCode", order.itemCode());
        d.put("saleOrderCode", order.saleOrderCode());
        d.put("purpose", order.purpose().name());
        d.put("statusCode", s.statusCode());
        d.put("statusName", s.statusName() != null ? s.statusName() : VnpostStatusMapping.NAMES.get(s.statusCode()));
        d.put("statusAt", s.at().toString());
        d.put("channel", channel);
        return d;
    }
}
