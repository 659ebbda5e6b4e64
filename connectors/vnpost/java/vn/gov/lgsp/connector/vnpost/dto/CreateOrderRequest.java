package vn.gov.lgsp.connector.vnpost.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * MyVNPost CreateOrder body (../shared/partners/vnpost.md). Field names are VNPost's (lower camel case);
 * numbers that VNPost takes as strings (weight, dimensions) are strings here too.
 *
 * @param orderCreationStatus 1 = a real order (0 would be a draft)
 * @param type                "GUI" (send)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateOrderRequest(int orderCreationStatus, String type, String customerCode, String contractCode,
                                 InformationOrder informationOrder) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InformationOrder(
            String senderName, String senderPhone, String senderAddress,
            String senderProvinceCode, String senderDistrictCode, String senderCommuneCode,
            String receiverName, String receiverPhone, String receiverAddress,
            String receiverProvinceCode, String receiverDistrictCode, String receiverCommuneCode,
            String serviceCode, String saleOrderCode, String contentNote,
            String weight, String width, String length, String height,
            String vehicle, String sendType, String isBroken,
            String deliveryTime, String deliveryRequire,
            List<AddonService> addonService) {}

    /** An extra service: GTG021 = cash on delivery with propValue "PROP0018:<amount VND>". */
    public record AddonService(String code, String propValue) {}
}
