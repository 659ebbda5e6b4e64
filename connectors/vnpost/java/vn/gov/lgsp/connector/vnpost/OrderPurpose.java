package vn.gov.lgsp.connector.vnpost;

/** Why the hub orders a VNPost shipment; one order per dossier and purpose. */
public enum OrderPurpose {
    /** Collect the dossier at the citizen's home and bring it to the receiving agency (PICKUP_REQUESTED). */
    PICKUP("HS"),
    /** Bring the result from the agency to the citizen, collecting unpaid fees on delivery (RESULT_READY, POSTAL). */
    DELIVERY("KQ");

    private final String suffix;

    OrderPurpose(String suffix) {
        this.suffix = suffix;
    }

    /**
     * Our business key, sent as saleOrderCode: the dossier code plus HS (hồ sơ) or KQ (kết quả), so a VNPost
     * operator reading an order knows what it carries, and we can find the order again after a crash.
     */
    public String saleOrderCode(String dossierCode) {
        return dossierCode + "-" + suffix;
    }
}
