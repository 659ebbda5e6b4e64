package vn.gov.lgsp.connector.vnpost.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One order's tracking as VNPost reports it: data[] { itemCode, saleOrderCode, statusHistory[] }. */
public record TrackingRecord(String itemCode, String saleOrderCode, List<StatusRecord> statusHistory) {

    /** Told about each status record that could not be read and was left out. */
    @FunctionalInterface
    public interface Unreadable {
        void skipped(String itemCode, IllegalArgumentException why);
    }

    /** Refuses the whole answer over one unreadable record (the push endpoint: the sender is told, 400). */
    private static final Unreadable REFUSE = (itemCode, why) -> {
        throw why;
    };

    /** Reads a pushed status history; any unreadable record fails the whole body. */
    public static List<TrackingRecord> listFrom(JsonNode root) {
        return listFrom(root, REFUSE);
    }

    /**
     * Reads a GetStatusHistoryOrder answer (or the same shape pushed to us), handing each unreadable status record to
     * {@code unreadable}, which may throw (refuse the lot) or return (the record is left out, the rest kept).
     */
    public static List<TrackingRecord> listFrom(JsonNode root, Unreadable unreadable) {
        JsonNode data = VnpostJson.field(root, "data");
        List<TrackingRecord> out = new ArrayList<>();
        if (data == null || data.isNull()) return out;
        if (data.isObject()) {
            out.add(from(data, unreadable));
        } else {
            data.forEach(n -> out.add(from(n, unreadable)));
        }
        return out;
    }

    private static TrackingRecord from(JsonNode n, Unreadable unreadable) {
        String itemCode = VnpostJson.text(n, "itemCode");
        List<StatusRecord> history = new ArrayList<>();
        JsonNode h = VnpostJson.field(n, "statusHistory");
        if (h != null && h.isArray()) {
            for (JsonNode s : h) {
                try {
                    history.add(StatusRecord.from(s));
                } catch (IllegalArgumentException e) {
                    unreadable.skipped(itemCode, e);
                }
            }
        }
        return new TrackingRecord(itemCode, VnpostJson.text(n, "saleOrderCode"), history);
    }
}
