package vn.gov.lgsp.connector.vnpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.vnpost.dto.CreateOrderRequest;
import vn.gov.lgsp.connector.vnpost.dto.StatusRecord;
import vn.gov.lgsp.connector.vnpost.dto.TrackingRecord;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.work.PartnerRejectedException;

/** Fast tests of the pure parts: event -> CreateOrder, status mapping, tolerant reading, push signatures. */
class VnpostMappingTest {
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final VnpostProperties props = props();
    private final VnpostOrderMapper mapper = new VnpostOrderMapper(props, json);

    private static VnpostProperties props() {
        VnpostProperties p = new VnpostProperties();
        p.setCustomerCode("C-QN");
        VnpostProperties.Agency a = new VnpostProperties.Agency();
        a.setName("Bộ phận Một cửa Vân Đồn");
        a.setPhone("0983874123");
        a.setAddress("Khu 3, Cái Rồng");
        a.setProvinceCode("22");
        a.setDistrictCode("");
        a.setCommuneCode("22969");
        a.setContractCode("HD-1");
        p.getAgencies().put("000.00.21.H45", a);
        return p;
    }

    private DossierEvent read(ObjectNode event) throws Exception {
        return json.treeToValue(event, DossierEvent.class);
    }

    @Test
    void deliveryOrderGoesFromAgencyToApplicantWithCodEqualToUnpaidFees() throws Exception {
        ObjectNode d = VnpostTestEvents.dossier("000.00.21.H45-261123-0001");
        CreateOrderRequest r = mapper.delivery(read(VnpostTestEvents.resultReady(d)), java.util.Map.of());
        JsonNode wire = json.valueToTree(r);
        assertThat(wire.get("orderCreationStatus").isInt()).isTrue();
        assertThat(wire.get("type").asText()).isEqualTo("GUI");
        assertThat(wire.get("customerCode").asText()).isEqualTo("C-QN");
        assertThat(wire.get("contractCode").asText()).isEqualTo("HD-1");
        JsonNode info = wire.get("informationOrder");
        assertThat(info.get("senderName").asText()).isEqualTo("Bộ phận Một cửa Vân Đồn");
        assertThat(info.get("receiverName").asText()).isEqualTo("Nguyễn Thị Hồng Nhung");
        assertThat(info.get("receiverPhone").asText()).isEqualTo("0912345678");
        assertThat(info.get("receiverAddress").asText()).isEqualTo("Số 12 đường Lê Lợi, Phường Hồng Gai, Quảng Ninh");
        assertThat(info.get("receiverDistrictCode").asText()).isEqualTo("VNPOST"); // two-tier address
        assertThat(info.get("senderDistrictCode").asText()).isEqualTo("VNPOST");
        assertThat(info.get("weight").isTextual()).isTrue();
        assertThat(info.get("saleOrderCode").asText()).isEqualTo("000.00.21.H45-261123-0001-KQ");
        assertThat(info.get("addonService")).hasSize(1);
        assertThat(info.get("addonService").get(0).get("code").asText()).isEqualTo("GTG021");
        assertThat(info.get("addonService").get(0).get("propValue").asText()).isEqualTo("PROP0018:75000");
        assertThat(info.get("contentNote").asText()).contains("Giấy phép xây dựng số 123/GPXD");
    }

    @Test
    void paidDossierHasNoCashOnDelivery() throws Exception {
        ObjectNode d = VnpostTestEvents.dossier("000.00.21.H45-261123-0002");
        d.withArray("fees").forEach(f -> ((ObjectNode) f).put("paid", true));
        assertThat(mapper.delivery(read(VnpostTestEvents.resultReady(d)), java.util.Map.of()).informationOrder().addonService()).isEmpty();
    }

    @Test
    void pickupCollectsFromPickupAddressWhenGivenAndKeepsOldDistrictCodes() throws Exception {
        ObjectNode d = VnpostTestEvents.dossier("000.00.21.H45-261123-0003");
        ObjectNode e = VnpostTestEvents.pickupRequested(d);
        ((ObjectNode) e.get("detail")).putObject("pickupAddress").put("street", "Số 5 phố Cột Đồng Hồ")
                .put("communeCode", "22816").put("communeName", "Phường Bãi Cháy").put("districtCode", "193")
                .put("provinceCode", "22").put("provinceName", "Quảng Ninh");
        CreateOrderRequest.InformationOrder info = mapper.pickup(read(e)).informationOrder();
        assertThat(info.senderAddress()).startsWith("Số 5 phố Cột Đồng Hồ");
        assertThat(info.senderDistrictCode()).isEqualTo("193");
        assertThat(info.senderCommuneCode()).isEqualTo("22816");
        assertThat(info.receiverName()).isEqualTo("Bộ phận Một cửa Vân Đồn");
        assertThat(info.deliveryTime()).isEqualTo("S");
        assertThat(info.saleOrderCode()).endsWith("-HS");
        assertThat(info.addonService()).isEmpty();
    }

    @Test
    void dossierWithoutAddressIsRejectedNotRetried() throws Exception {
        ObjectNode d = VnpostTestEvents.dossier("000.00.21.H45-261123-0004");
        ((ObjectNode) d.get("applicant")).putNull("address");
        DossierEvent e = read(VnpostTestEvents.resultReady(d));
        assertThatThrownBy(() -> mapper.delivery(e, java.util.Map.of())).isInstanceOf(PartnerRejectedException.class);
    }

    @Test
    void statusCodesMapPerPurposeAndUnknownCodesAreKept() {
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.PICKUP, 1)).isEqualTo("PICKUP_SCHEDULED");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.PICKUP, 6)).isEqualTo("DOSSIER_PICKED_UP");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.PICKUP, 14)).isEqualTo("DOSSIER_DELIVERED_TO_CENTRE");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.DELIVERY, 6)).isEqualTo("RESULT_SHIPPED");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.DELIVERY, 14)).isEqualTo("RESULT_DELIVERED");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.DELIVERY, 15)).isEqualTo("RESULT_DELIVERY_FAILED");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.DELIVERY, 18)).isEqualTo("RETURNED_TO_SENDER");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.DELIVERY, 10)).isEqualTo("POSTAL_STATUS_CHANGED");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.DELIVERY, 77)).isEqualTo("POSTAL_STATUS_UNKNOWN");
        assertThat(VnpostStatusMapping.updateType(OrderPurpose.DELIVERY, 0)).isNull();
        assertThat(VnpostStatusMapping.closes(14, 0)).isTrue();
        assertThat(VnpostStatusMapping.closes(14, 75000)).isFalse(); // COD still to be remitted (21)
        assertThat(VnpostStatusMapping.closes(21, 75000)).isTrue();
    }

    @Test
    void trackingIsReadInEitherCaseWithVietnamLocalTimes() throws Exception {
        JsonNode root = json.readTree("""
                {"Data":[{"ItemCode":"EL1VN","StatusHistory":[
                  {"StatusCode":"6","StatusName":"Đã lấy hàng","CreatedDate":"23/11/2026","CreateHour":"08:15"},
                  {"statusCode":7,"statusName":"Đã nhận tại bưu cục","createdDate":"23/11/2026","createHour":"09:30:05"}]}]}""");
        List<TrackingRecord> r = TrackingRecord.listFrom(root);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).itemCode()).isEqualTo("EL1VN");
        List<StatusRecord> h = r.get(0).statusHistory();
        assertThat(h).extracting(StatusRecord::statusCode).containsExactly(6, 7);
        assertThat(h.get(0).at().toString()).isEqualTo("2026-11-23T08:15+07:00");
        assertThat(h.get(1).at().toString()).isEqualTo("2026-11-23T09:30:05+07:00");
    }

    @Test
    void statusTimesAreReadWithOrWithoutLeadingZeroAndSeconds() throws Exception {
        assertThat(StatusRecord.from(status("23/11/2026", "9:05")).at().toString()).isEqualTo("2026-11-23T09:05+07:00");
        assertThat(StatusRecord.from(status("23/11/2026", "9:05:07")).at().toString()).isEqualTo("2026-11-23T09:05:07+07:00");
        assertThat(StatusRecord.from(status("23/11/2026", "09:05")).at().toString()).isEqualTo("2026-11-23T09:05+07:00");
        assertThat(StatusRecord.from(status("23/11/2026", "21:40:00")).at().toString()).isEqualTo("2026-11-23T21:40+07:00");
        assertThat(StatusRecord.from(status("23/11/2026", null)).at().toString()).isEqualTo("2026-11-23T00:00+07:00");
        assertThat(StatusRecord.from(status("23/11/2026", " 9:05 ")).createHour()).isEqualTo("09:05:00");
        for (String bad : List.of("25:00", "9h05", "9:5")) {
            assertThatThrownBy(() -> StatusRecord.from(status("23/11/2026", bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> StatusRecord.from(status(null, "9:05"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("createdDate");
        assertThatThrownBy(() -> StatusRecord.from(status("23/11/99999999", "9:05"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPolledAnswerKeepsItsReadableRecordsAndReportsTheOthersWhileAPushIsRefusedWhole() throws Exception {
        JsonNode root = json.readTree("""
                {"data":[{"itemCode":"EL2VN","statusHistory":[
                  {"statusCode":1,"statusName":"Tạo đơn","createdDate":"23/11/2026","createHour":"8:00"},
                  {"statusCode":2,"statusName":"Đã giao bưu tá","createHour":"9:00"},
                  {"statusCode":"x","statusName":"?","createdDate":"23/11/2026","createHour":"9:10"},
                  {"statusCode":4,"statusName":"Đang lấy hàng","createdDate":"23/11/2026","createHour":"9:30"}]}]}""");
        List<String> skipped = new java.util.ArrayList<>();
        List<TrackingRecord> polled = TrackingRecord.listFrom(root, (item, why) -> skipped.add(item + ": " + why.getMessage()));
        assertThat(polled).hasSize(1);
        assertThat(polled.get(0).statusHistory()).extracting(StatusRecord::statusCode).containsExactly(1, 4);
        assertThat(skipped).containsExactly("EL2VN: status record without createdDate", "EL2VN: status record without statusCode");
        assertThatThrownBy(() -> TrackingRecord.listFrom(root)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStatusNameLongerThanTheColumnIsCutToIt() {
        StatusRecord r = new StatusRecord(14, "Đ".repeat(StatusRecord.NAME_MAX + 50), java.time.OffsetDateTime.now(StatusRecord.VN));
        assertThat(r.nameTooLong()).isTrue();
        assertThat(r.fitted().statusName()).hasSize(StatusRecord.NAME_MAX);
        assertThat(r.fitted().nameTooLong()).isFalse();
        assertThat(r.fitted().at()).isEqualTo(r.at());
        StatusRecord fits = new StatusRecord(14, "Đ".repeat(StatusRecord.NAME_MAX), r.at());
        assertThat(fits.fitted()).isSameAs(fits);
        assertThat(new StatusRecord(14, null, r.at()).fitted().statusName()).isNull();
    }

    private ObjectNode status(String date, String hour) {
        ObjectNode n = json.createObjectNode().put("statusCode", 6).put("statusName", "Đã lấy hàng");
        if (date != null) n.put("createdDate", date);
        if (hour != null) n.put("createHour", hour);
        return n;
    }

    @Test
    void pushSignatureMustMatchTheSecretAndBeRecent() {
        props.getPush().setHmacSecret("s3cret");
        VnpostPushController c = new VnpostPushController(props, null, null, json, null);
        byte[] body = "{\"data\":[]}".getBytes(StandardCharsets.UTF_8);
        String ts = String.valueOf(Instant.now().getEpochSecond());
        assertThat(c.verify(ts, "sha256=" + VnpostPushController.sign("s3cret", ts, body), body)).isNull();
        assertThat(c.verify(ts, "sha256=" + VnpostPushController.sign("wrong", ts, body), body)).isEqualTo("signature mismatch");
        assertThat(c.verify(ts, null, body)).isNotNull();
        String old = String.valueOf(Instant.now().getEpochSecond() - 3600);
        assertThat(c.verify(old, "sha256=" + VnpostPushController.sign("s3cret", old, body), body)).contains("window");
        // timestamps beyond what an Instant holds are too far from now like any other, not an exception (a 500)
        for (String absurd : List.of("99999999999999999", "-99999999999999999", String.valueOf(Long.MAX_VALUE),
                String.valueOf(Long.MIN_VALUE))) {
            assertThat(c.verify(absurd, "sha256=" + VnpostPushController.sign("s3cret", absurd, body), body))
                    .as(absurd).isEqualTo("timestamp outside the allowed window");
        }
        String soon = String.valueOf(Instant.now().getEpochSecond() + 60);
        assertThat(c.verify(soon, "sha256=" + VnpostPushController.sign("s3cret", soon, body), body)).isNull();
        byte[] tampered = "{\"data\":[1]}".getBytes(StandardCharsets.UTF_8);
        assertThat(c.verify(ts, "sha256=" + VnpostPushController.sign("s3cret", ts, body), tampered)).isEqualTo("signature mismatch");
    }
}
