package vn.gov.lgsp.connector.vnpost;

import java.util.Map;
import java.util.Set;

/**
 * VNPost status codes (../shared/partners/vnpost.md) to dossier update types, per order purpose.
 * Every status is forwarded (the one-stop system shows the tracking); the business milestones get their own
 * update types. Codes we do not know are forwarded as POSTAL_STATUS_UNKNOWN with VNPost's own code and name,
 * never dropped. The table is repeated in connectors/vnpost/README.md.
 */
public final class VnpostStatusMapping {
    private VnpostStatusMapping() {}

    public static final String CHANGED = "POSTAL_STATUS_CHANGED";
    public static final String UNKNOWN = "POSTAL_STATUS_UNKNOWN";

    /** VNPost's label for each known code (translated; medium confidence, see vnpost.md). */
    public static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "draft"), Map.entry(1, "created"), Map.entry(2, "sent to postman"), Map.entry(3, "processing"),
            Map.entry(4, "picking up"), Map.entry(5, "pickup failed"), Map.entry(6, "picked up"),
            Map.entry(7, "received at post office"), Map.entry(8, "collection failed"), Map.entry(9, "collection cancelled"),
            Map.entry(10, "in transit"), Map.entry(11, "arrived at post office"), Map.entry(12, "delivering"),
            Map.entry(13, "forwarded"), Map.entry(14, "delivered"), Map.entry(15, "delivery failed"),
            Map.entry(16, "awaiting return"), Map.entry(17, "approved"), Map.entry(18, "return started"),
            Map.entry(19, "completed"), Map.entry(20, "partially returned"), Map.entry(21, "COD paid"),
            Map.entry(22, "delivery cancelled"));

    private static final Map<Integer, String> PICKUP = Map.of(
            1, "PICKUP_SCHEDULED", 5, "PICKUP_FAILED", 6, "DOSSIER_PICKED_UP", 8, "PICKUP_FAILED",
            9, "PICKUP_CANCELLED", 14, "DOSSIER_DELIVERED_TO_CENTRE", 15, "POSTAL_DELIVERY_FAILED",
            18, "RETURNED_TO_SENDER", 22, "POSTAL_ORDER_CANCELLED");
    private static final Map<Integer, String> DELIVERY = Map.of(
            1, "POSTAL_ORDER_CREATED", 6, "RESULT_SHIPPED", 9, "POSTAL_ORDER_CANCELLED", 14, "RESULT_DELIVERED",
            15, "RESULT_DELIVERY_FAILED", 18, "RETURNED_TO_SENDER", 21, "COD_REMITTED", 22, "POSTAL_ORDER_CANCELLED");

    /** After these nothing more is expected: the order leaves the poll list. */
    private static final Set<Integer> FINAL = Set.of(9, 19, 20, 21, 22);

    /** The update type for a status; null for a draft (0), which is internal to VNPost. */
    public static String updateType(OrderPurpose purpose, int code) {
        if (code == 0) return null;
        if (!NAMES.containsKey(code)) return UNKNOWN;
        return (purpose == OrderPurpose.PICKUP ? PICKUP : DELIVERY).getOrDefault(code, CHANGED);
    }

    /** Delivered (14) is final unless cash is still to be remitted (21 follows on COD orders). */
    public static boolean closes(int code, long codAmount) {
        return FINAL.contains(code) || (code == 14 && codAmount <= 0);
    }
}
