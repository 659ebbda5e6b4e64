package vn.gov.lgsp.connector.vnpost.dto;

import com.fasterxml.jackson.databind.JsonNode;

/** What VNPost answers about an order (CreateOrder, getOrder): read tolerantly, see {@link VnpostJson}. */
public record VnpostOrder(String orderHdrId, String originalId, String itemCode, String saleOrderCode,
                          Integer status, Long totalFee) {

    public static VnpostOrder from(JsonNode n) {
        return new VnpostOrder(VnpostJson.text(n, "orderHdrID"), VnpostJson.text(n, "originalID"),
                VnpostJson.text(n, "itemCode"), VnpostJson.text(n, "saleOrderCode"),
                VnpostJson.integer(n, "status"), VnpostJson.longValue(n, "totalFee"));
    }
}
