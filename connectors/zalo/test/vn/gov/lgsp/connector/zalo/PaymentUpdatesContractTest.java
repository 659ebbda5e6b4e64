package vn.gov.lgsp.connector.zalo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.connector.sms.SmsProperties;
import vn.gov.lgsp.connector.sms.SmsText;
import vn.gov.lgsp.connector.vietinbank.PaymentApplier;
import vn.gov.lgsp.connector.vietinbank.PaymentRequests;
import vn.gov.lgsp.connector.vietinbank.VietQr;
import vn.gov.lgsp.connector.vietinbank.VietinbankProperties;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.UpdateContract;

/**
 * Contract test, consumer side: the citizen's messages made from the updates VietinBank's own code produces (its
 * mapping methods, not JSON written here), with the ZNS templates and SMS texts of connectors/zalo/config.yml and connectors/sms/config.yml. If VietinBank
 * renamed a field, or Zalo read another name, the code or the QR would be empty here.
 */
class PaymentUpdatesContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode dossier = new DossierEventFactory(7).newDossier(OffsetDateTime.now(DossierEventFactory.VN));
    private final ZaloProperties zalo = bind("connectors/zalo/config.yml", "hub.partners.zalo", ZaloProperties.class);
    private final SmsProperties sms = bind("connectors/sms/config.yml", "hub.partners.sms", SmsProperties.class);

    private static <T> T bind(String resource, String prefix, Class<T> type) {
        try {
            var sources = new YamlPropertySourceLoader().load(resource, new ClassPathResource(resource));
            return new Binder(ConfigurationPropertySources.from(sources)).bind(prefix, type).get();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** VietinBank's PAYMENT_REQUESTED for a code, as PaymentRequests makes it. */
    private DossierUpdate paymentRequested(String custCode, long amount, String assessmentEventId) {
        VietinbankProperties bank = new VietinbankProperties();
        bank.setAccount("113366668888");
        String fees = JSON.createArrayNode().add(JSON.createObjectNode().put("code", "LPXD").put("name", "Lệ phí")
                .put("amount", amount).put("paid", false)).toString();
        var request = new PaymentRequests.Request(custCode, dossier.get("code").asText(), amount, "OPEN",
                VietQr.build(bank.getBankBin(), bank.qrAccount(), amount, custCode),
                OffsetDateTime.now(DossierEventFactory.VN).plusDays(7).withNano(0), fees, assessmentEventId);
        return PaymentRequests.paymentRequested(request, List.of(), bank, JSON);
    }

    private Map<String, String> zns(String type, DossierUpdate update) {
        Map<String, String> facts = NotificationFacts.of(dossier, update.detail(), zalo.getProvinceHotline());
        Map<String, String> data = new LinkedHashMap<>();
        zalo.getTemplates().get(type).getParams().forEach((name, p) ->
                data.put(name, TextLimits.truncate(TextLimits.render(p.getValue(), facts), p.getMax())));
        return data;
    }

    private String smsText(String type, DossierUpdate update) {
        Map<String, String> facts = NotificationFacts.of(dossier, update.detail(), zalo.getProvinceHotline());
        return SmsText.compose(sms.getTemplates().get(type), facts, sms.isUnicode(), sms.getMaxSegments(), sms.getShrink());
    }

    @Test
    void vietinbanksPaymentRequestGivesTheZnsItsPaymentCodeAmountAndQrLink() {
        DossierUpdate u = paymentRequested("LG0001000123", 75_000, "assess-1");
        assertThat(UpdateContract.violations(u)).isEmpty();
        Map<String, String> data = zns("PAYMENT_REQUESTED", u);
        assertThat(data.get("payment_code")).isEqualTo("LG0001000123");
        assertThat(data.get("amount")).isEqualTo("75.000 đồng");
        assertThat(data.get("qr_url")).isEqualTo(u.detail().get("qrUrl").asText())
                .startsWith("https://").contains("LG0001000123").contains("75000").hasSizeLessThanOrEqualTo(200);
        assertThat(data.get("receipt_code")).isEqualTo(dossier.get("code").asText());
        assertThat(data.values()).allSatisfy(v -> assertThat(v).isNotBlank());
    }

    @Test
    void theSmsFallbackCarriesThePaymentCode() {
        String text = smsText("PAYMENT_REQUESTED", paymentRequested("LG0001000124", 1_250_000, "assess-1"));
        assertThat(text).contains("Ma thanh toan LG0001000124").contains("1.250.000 dong").doesNotContain("Ma thanh toan .");
    }

    @Test
    void aSecondAssessmentIsAnotherNotificationAndTheSameAssessmentIsNot() {
        String dedupeOn = zalo.getTemplates().get("PAYMENT_REQUESTED").getDedupeOn();
        String first = NotificationFacts.of(dossier, paymentRequested("LG0001000125", 75_000, "assess-1").detail(), "").get(dedupeOn);
        String again = NotificationFacts.of(dossier, paymentRequested("LG0001000125", 75_000, "assess-1").detail(), "").get(dedupeOn);
        String second = NotificationFacts.of(dossier, paymentRequested("LG0001000126", 90_000, "assess-2").detail(), "").get(dedupeOn);
        // a code reopened by a later assessment (back to an earlier fee set) is a new fact too
        String reopened = NotificationFacts.of(dossier, paymentRequested("LG0001000125", 75_000, "assess-3").detail(), "").get(dedupeOn);
        assertThat(first).isNotBlank().isEqualTo(again);
        assertThat(List.of(first, second, reopened)).doesNotHaveDuplicates();
    }

    @Test
    void vietinbanksPaymentConfirmationGivesTheZnsAndSmsTheAmountAndOneMessagePerPaymentCode() {
        DossierUpdate u = PaymentApplier.paymentConfirmed(new PaymentApplier.Txn("VTB-T1", "LG0001000127", 75_000,
                        OffsetDateTime.now(DossierEventFactory.VN).withNano(0), "FT1"), dossier.get("code").asText(), "IPN",
                "[{\"code\":\"LPXD\",\"name\":\"Lệ phí\",\"amount\":75000,\"paid\":false}]", JSON);
        assertThat(UpdateContract.violations(u)).isEmpty();
        assertThat(zns("PAYMENT_CONFIRMED", u).get("amount")).isEqualTo("75.000 đồng");
        assertThat(smsText("PAYMENT_CONFIRMED", u)).contains("Da nhan 75.000 dong");
        String dedupeOn = zalo.getTemplates().get("PAYMENT_CONFIRMED").getDedupeOn();
        assertThat(NotificationFacts.of(dossier, u.detail(), "").get(dedupeOn)).isEqualTo("LG0001000127");
    }
}
