package vn.gov.lgsp.connector.vnpost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.vnpost.dto.CreateOrderRequest;
import vn.gov.lgsp.connector.vnpost.dto.CreateOrderRequest.AddonService;
import vn.gov.lgsp.connector.vnpost.dto.CreateOrderRequest.InformationOrder;
import vn.gov.lgsp.hub.model.Dossier;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.model.Identifiers;
import vn.gov.lgsp.hub.payments.DossierPayments;

/** Dossier events to MyVNPost CreateOrder bodies. Pure: no I/O, so it is unit-tested directly. */
@Component
public class VnpostOrderMapper {
    /** After the July 2025 reform there are no districts: VNPost expects this constant instead. */
    public static final String NO_DISTRICT = "VNPOST";
    public static final String COD = "GTG021";
    public static final String COD_AMOUNT_PROP = "PROP0018";
    private static final Set<String> DELIVERY_TIMES = Set.of("N", "S", "C");

    private final VnpostProperties props;
    private final ObjectMapper json;

    public VnpostOrderMapper(VnpostProperties props, ObjectMapper json) {
        this.props = props;
        this.json = json;
    }

    /** Collect the dossier from the citizen (pickupAddress, else the applicant's address) to the agency. */
    public CreateOrderRequest pickup(DossierEvent event) {
        Dossier d = event.dossier();
        VnpostProperties.Agency agency = props.agency(d.agencyCode());
        Dossier.Address from = pickupAddress(event);
        String preferred = event.detail() == null ? null : event.detail().path("preferredTime").asText(null);
        InformationOrder info = new InformationOrder(
                applicantName(d), Identifiers.localPhone(d.applicant().phone()), from.street(),
                from.provinceCode(), district(from.districtCode()), from.communeCode(),
                agency.getName(), agency.getPhone(), agency.getAddress(),
                agency.getProvinceCode(), district(agency.getDistrictCode()), agency.getCommuneCode(),
                agency.getPickupServiceCode(), OrderPurpose.PICKUP.saleOrderCode(d.code()),
                truncate("Hồ sơ " + d.code() + (d.procedureName() == null ? "" : " - " + d.procedureName()), 250),
                String.valueOf(agency.getPickupWeightGrams()), "25", "35", "3",
                "BO", "1", "0",
                preferred != null && DELIVERY_TIMES.contains(preferred) ? preferred : "N", "1",
                List.of());
        return new CreateOrderRequest(1, "GUI", props.getCustomerCode(), agency.getContractCode(), info);
    }

    /**
     * Deliver the result from the agency to the applicant; what is still owed is collected on delivery (GTG021).
     *
     * @param settledByFee per fee code, what the payments the hub recorded for the dossier settled
     *                     ({@link DossierPayments#settledByFee}): the event's {@code paid} flags may not show a bank
     *                     payment yet, and the citizen must not pay twice
     */
    public CreateOrderRequest delivery(DossierEvent event, Map<String, Long> settledByFee) {
        Dossier d = event.dossier();
        VnpostProperties.Agency agency = props.agency(d.agencyCode());
        Dossier.Address to = requireAddress(d.applicant().address(), "applicant address");
        long cod = DossierPayments.outstanding(d.fees(), settledByFee);
        List<AddonService> addons = new ArrayList<>();
        if (cod > 0) addons.add(new AddonService(COD, COD_AMOUNT_PROP + ":" + cod));
        InformationOrder info = new InformationOrder(
                agency.getName(), agency.getPhone(), agency.getAddress(),
                agency.getProvinceCode(), district(agency.getDistrictCode()), agency.getCommuneCode(),
                applicantName(d), Identifiers.localPhone(d.applicant().phone()), to.street(),
                to.provinceCode(), district(to.districtCode()), to.communeCode(),
                agency.getDeliveryServiceCode(), OrderPurpose.DELIVERY.saleOrderCode(d.code()),
                truncate("Kết quả hồ sơ " + d.code() + documents(event), 250),
                String.valueOf(agency.getDeliveryWeightGrams()), "25", "35", "1",
                "BO", "1", "0", "N", "1", addons);
        return new CreateOrderRequest(1, "GUI", props.getCustomerCode(), agency.getContractCode(), info);
    }

    Dossier.Address pickupAddress(DossierEvent event) {
        JsonNode p = event.detail() == null ? null : event.detail().get("pickupAddress");
        if (p != null && p.isObject()) {
            try {
                return requireAddress(json.treeToValue(p, Dossier.Address.class), "pickupAddress");
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("unreadable pickupAddress", e);
            }
        }
        return requireAddress(event.dossier().applicant() == null ? null : event.dossier().applicant().address(), "applicant address");
    }

    private static Dossier.Address requireAddress(Dossier.Address a, String what) {
        if (a == null || a.street() == null || a.communeCode() == null || a.provinceCode() == null) {
            // our own data is incomplete: VNPost cannot help, an operator must fix the dossier
            throw new vn.gov.lgsp.hub.work.PartnerRejectedException("HUB-ADDRESS", "the dossier has no usable " + what);
        }
        // VNPost's address text carries street, commune and province names; codes travel separately
        String line = a.oneLine();
        return new Dossier.Address(line, a.communeCode(), a.communeName(), a.districtCode(), a.districtName(),
                a.provinceCode(), a.provinceName());
    }

    private static String applicantName(Dossier d) {
        return d.applicant() == null ? null : d.applicant().fullName();
    }

    private static String district(String code) {
        return code == null || code.isBlank() ? NO_DISTRICT : code;
    }

    private static String documents(DossierEvent event) {
        JsonNode docs = event.detail() == null ? null : event.detail().get("documents");
        if (docs == null || !docs.isArray() || docs.isEmpty()) return "";
        List<String> names = new ArrayList<>();
        docs.forEach(doc -> names.add(doc.path("name").asText("") + (doc.hasNonNull("number") ? " số " + doc.get("number").asText() : "")));
        return ": " + String.join("; ", names);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
