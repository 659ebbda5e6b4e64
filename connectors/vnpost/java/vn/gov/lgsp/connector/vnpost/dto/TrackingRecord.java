package vn.gov.lgsp.connector.vnpost.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One order's tracking as VNPost reports it: data[] { itemCode, saleOrderCode, statusHistory[] }. */
public record TrackingRecord(String itemCode, String saleOrderCode, List<StatusRecord> statusHistory) {

    /** Reads a GetStatusHistoryOrder answer (or the same shape pushed to us). */
    public static List<TrackingRecord> listFrom(JsonNode root) {
        JsonNode data = VnpostJson.field(root, "data");
        List<TrackingRecord> out = new ArrayList<>();
        if (data == null || data.isNull()) return out;
        if (data.isObject()) {
            out.add(from(data));
        } else {
            data.forEach(n -> out.add(from(n)));
        }
        return out;
    }

    public static TrackingRecord from(JsonNode n) {
        List<StatusRecord> history = new ArrayList<>();
        JsonNode h = VnpostJson.field(n, "statusHistory");
        if (h != null && h.isArray()) h.forEach(s -> history.add(StatusRecord.from(s)));
        return new TrackingRecord(VnpostJson.text(n, "itemCode"), VnpostJson.text(n, "saleOrderCode"), history);
    }
}
