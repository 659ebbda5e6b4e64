package vn.gov.lgsp.connector.vnpost;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.connector.vnpost.dto.VnpostOrder;

/** The vnpost_order table: one row per dossier and purpose (see V300__vnpost_orders.sql). */
@Component
public class VnpostOrderStore {
    public static final String CREATING = "CREATING";
    public static final String OPEN = "OPEN";
    public static final String CLOSED = "CLOSED";
    public static final String CANCELLED = "CANCELLED";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTx;

    public record OrderRow(long id, String dossierCode, OrderPurpose purpose, String saleOrderCode, String state,
                           int createAttempts, String itemCode, String orderHdrId, String originalId, long codAmount,
                           Integer lastStatus, OffsetDateTime lastStatusAt) {}

    public VnpostOrderStore(JdbcTemplate jdbc, PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        this.ownTx = new TransactionTemplate(txManager);
        // the attempt marker must be durable before the call even though the caller's transaction is still open
        this.ownTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Inserts the row for (dossier, purpose) unless it exists; committed at once (autocommit or caller's tx). */
    public void claim(String dossierCode, OrderPurpose purpose, String workId, long codAmount, String state) {
        jdbc.update("INSERT INTO vnpost_order (dossier_code, purpose, sale_order_code, work_id, state, cod_amount)"
                        + " VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                dossierCode, purpose.name(), purpose.saleOrderCode(dossierCode), workId, state, codAmount);
    }

    /**
     * Serialises everything done for one business key across threads and hub instances until the caller's
     * transaction ends (a transaction-scoped PostgreSQL advisory lock).
     */
    public void lock(String saleOrderCode) {
        jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtext(?)::bigint)", Object.class, "vnpost:" + saleOrderCode);
    }

    public Optional<OrderRow> find(String dossierCode, OrderPurpose purpose) {
        return jdbc.query("SELECT * FROM vnpost_order WHERE dossier_code = ? AND purpose = ?", this::row,
                dossierCode, purpose.name()).stream().findFirst();
    }

    public List<OrderRow> ofDossier(String dossierCode) {
        return jdbc.query("SELECT * FROM vnpost_order WHERE dossier_code = ? ORDER BY id", this::row, dossierCode);
    }

    /** Locks and returns the order with this tracking number (inside the caller's transaction). */
    public Optional<OrderRow> lockByItemCode(String itemCode) {
        return jdbc.query("SELECT * FROM vnpost_order WHERE item_code = ? FOR UPDATE", this::row, itemCode).stream().findFirst();
    }

    /**
     * Counts a CreateOrder attempt in its own committed transaction, before the call is made, with the cash on delivery
     * this attempt asks for: a payment recorded between two attempts changes it, and the order VNPost ends up with
     * (this attempt's, or the one a later look-up adopts) is the one whose COD the tracking must expect.
     */
    public void markAttempt(long id, long codAmount) {
        ownTx.executeWithoutResult(s -> jdbc.update(
                "UPDATE vnpost_order SET create_attempts = create_attempts + 1, cod_amount = ?, updated_at = now() WHERE id = ?",
                codAmount, id));
    }

    public void markCreated(long id, VnpostOrder order) {
        jdbc.update("UPDATE vnpost_order SET state = ?, item_code = ?, order_hdr_id = ?, original_id = ?, total_fee = ?,"
                        + " updated_at = now() WHERE id = ?",
                OPEN, order.itemCode(), order.orderHdrId(), order.originalId(), order.totalFee(), id);
    }

    public void setState(long id, String state) {
        jdbc.update("UPDATE vnpost_order SET state = ?, updated_at = now() WHERE id = ?", state, id);
    }

    public void setLastStatus(long id, String state, Integer lastStatus, OffsetDateTime lastStatusAt) {
        jdbc.update("UPDATE vnpost_order SET state = ?, last_status = ?, last_status_at = ?, updated_at = now() WHERE id = ?",
                state, lastStatus, lastStatusAt == null ? null : Timestamp.from(lastStatusAt.toInstant()), id);
    }

    /**
     * Claims up to {@code limit} open orders not polled within {@code interval} and stamps them, so several hub
     * instances polling at once share the work instead of repeating it (SKIP LOCKED).
     */
    public List<String> claimForPolling(int limit, Duration interval) {
        return jdbc.queryForList("UPDATE vnpost_order SET polled_at = now() WHERE id IN ("
                + " SELECT id FROM vnpost_order WHERE state = 'OPEN' AND item_code IS NOT NULL"
                + " AND (polled_at IS NULL OR polled_at < now() - make_interval(secs => ?))"
                + " ORDER BY polled_at NULLS FIRST, id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING item_code",
                String.class, interval.toMillis() / 1000.0 * 0.9, limit);
    }

    /** Orders claimed by a round that stopped before asking about them: polled first next round. */
    public void handBack(List<String> itemCodes) {
        if (itemCodes.isEmpty()) return;
        jdbc.update(vn.gov.lgsp.hub.db.ColumnArrays.statement("UPDATE vnpost_order SET polled_at = NULL WHERE item_code = ANY(?::text[])",
                List.of(), vn.gov.lgsp.hub.db.ColumnArrays.column("text", itemCodes.toArray(new String[0]))));
    }

    private OrderRow row(ResultSet rs, int i) throws SQLException {
        Timestamp at = rs.getTimestamp("last_status_at");
        Integer last = rs.getObject("last_status", Integer.class);
        return new OrderRow(rs.getLong("id"), rs.getString("dossier_code"), OrderPurpose.valueOf(rs.getString("purpose")),
                rs.getString("sale_order_code"), rs.getString("state"), rs.getInt("create_attempts"),
                rs.getString("item_code"), rs.getString("order_hdr_id"), rs.getString("original_id"),
                rs.getLong("cod_amount"), last,
                at == null ? null : at.toInstant().atOffset(java.time.ZoneOffset.ofHours(7)));
    }
}
