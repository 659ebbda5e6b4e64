package vn.gov.lgsp.hub.flows;

import static org.assertj.core.api.Assertions.assertThat;
import vn.gov.lgsp.hub.infra.TestPhones;
import vn.gov.lgsp.hub.infra.TestTokens;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.connector.sms.simulator.SmsGatewaySimulator;
import vn.gov.lgsp.connector.vietinbank.simulator.VietinbankBankSimulator;
import vn.gov.lgsp.connector.vnpost.simulator.VnpostSimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;

/**
 * One typed path from event to partner, through the real connectors: a FEE_ASSESSED event becomes VietinBank's
 * payment request and its PAYMENT_REQUESTED update, which routes/update-payment-requested.yaml turns into the
 * citizen's ZNS (or the SMS fallback); a payment the bank confirmed is not collected again by VNPost on delivery.
 * Nothing between the connectors is written by hand here: what is asserted is what the partners' simulators got.
 */
@HubIntegrationTest
class PaymentFlowIT {
    private static final Random RANDOM = new Random();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Dossier codes of a day of 2024 of this run: they cannot meet other tests' dossiers. */
    private static final OffsetDateTime DAY = OffsetDateTime.of(2024, 1, 1, 9, 0, 0, 0, DossierEventFactory.VN).plusDays(RANDOM.nextInt(366));
    private static final java.util.concurrent.atomic.AtomicInteger SEQ = new java.util.concurrent.atomic.AtomicInteger(RANDOM.nextInt(5000));

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired ZaloSimulator zalo;
    @Autowired SmsGatewaySimulator sms;
    @Autowired VietinbankBankSimulator bank;
    @Autowired VnpostSimulator vnpost;

    private final DossierEventFactory factory = new DossierEventFactory(RANDOM.nextLong());

    /** A dossier with a fresh code, a mobile whose last three digits pick the simulators' behaviour, a 75,000 VND fee. */
    private ObjectNode dossier(String phoneEnding, String returnMethod) {
        ObjectNode d = factory.newDossier(DAY);
        d.put("code", "000.00.21.H45-" + DAY.format(DateTimeFormatter.ofPattern("yyMMdd")) + "-" + String.format("%04d", SEQ.incrementAndGet() % 10_000));
        d.put("returnMethod", returnMethod);
        ((ObjectNode) d.get("applicant")).put("phone", TestPhones.fresh(phoneEnding, jdbc, zalo, sms));
        ArrayNode fees = d.putArray("fees");
        fees.addObject().put("code", "LPXD").put("name", "Lệ phí cấp giấy phép xây dựng").put("amount", 75_000).put("paid", false);
        return d;
    }

    private ObjectNode post(String type, ObjectNode dossier, int status, ObjectNode detail) {
        return postEvent(factory.event(type, OffsetDateTime.now(DossierEventFactory.VN), dossier, status, detail));
    }

    private ObjectNode postEvent(ObjectNode e) {
        HttpHeaders h = TestTokens.bearer(TestTokens.onestop());
        h.setContentType(MediaType.APPLICATION_JSON);
        var r = http.postForEntity("/api/v1/dossier-events", new HttpEntity<>(e.toString(), h), String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(202);
        return e;
    }

    /** FEE_ASSESSED with the given fees (code, amount pairs), all unpaid. */
    private ObjectNode assess(ObjectNode dossier, Object... codeAmount) {
        ObjectNode detail = JSON.createObjectNode();
        ArrayNode fees = detail.putArray("fees");
        for (int i = 0; i < codeAmount.length; i += 2) {
            fees.addObject().put("code", (String) codeAmount[i]).put("name", "Phí " + codeAmount[i])
                    .put("amount", ((Number) codeAmount[i + 1]).longValue()).put("paid", false);
        }
        return post("FEE_ASSESSED", dossier, 6, detail);
    }

    private String openPaymentCode(String dossierCode) {
        List<String> open = jdbc.queryForList("SELECT cust_code FROM vtb_payment_request WHERE dossier_code = ? AND status = 'OPEN'",
                String.class, dossierCode);
        return open.isEmpty() ? null : open.get(0);
    }

    private List<JsonNode> paymentZnsTo(String phone) {
        String intl = "84" + phone.substring(1);
        return zalo.znsReceived().stream().filter(z -> z.path("phone").asText().equals(intl)
                && z.path("template_id").asText().equals("301003")).toList();
    }

    private List<SmsGatewaySimulator.Received> smsTo(String phone) {
        String intl = "84" + phone.substring(1);
        return sms.received().stream().filter(s -> s.phone().equals(intl)).toList();
    }

    @Test
    void aFeeAssessmentReachesTheCitizenAsZnsWithThePaymentCodeAndQrLinkAndASecondAssessmentIsNotifiedAgain() {
        ObjectNode d = dossier("555", "COUNTER");
        String code = d.get("code").asText();
        String phone = d.get("applicant").get("phone").asText();
        ObjectNode first = assess(d, "LPXD", 75_000);

        await().atMost(WAIT).until(() -> paymentZnsTo(phone).size() == 1);
        String firstCode = openPaymentCode(code);
        JsonNode data = paymentZnsTo(phone).get(0).path("template_data");
        assertThat(data.path("payment_code").asText()).isEqualTo(firstCode).matches("LG\\d{10}");
        assertThat(data.path("amount").asText()).isEqualTo("75.000 đồng");
        assertThat(data.path("qr_url").asText()).startsWith("https://").contains(firstCode).contains("amount=75000");
        assertThat(data.path("receipt_code").asText()).isEqualTo(code);

        // the same assessment again (the one-stop system resent it under a new eventId): no second message
        ObjectNode repeat = first.deepCopy();
        repeat.put("eventId", java.util.UUID.randomUUID().toString());
        postEvent(repeat);
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM work_completion WHERE work_id = ?",
                Integer.class, repeat.get("eventId").asText() + ":vietinbank") == 1);

        // a re-assessment: another amount, another code, and the citizen is told again
        assess(d, "LPXD", 75_000, "PTD", 50_000);
        await().atMost(WAIT).until(() -> paymentZnsTo(phone).size() == 2);
        String secondCode = openPaymentCode(code);
        assertThat(secondCode).isNotEqualTo(firstCode);
        JsonNode second = paymentZnsTo(phone).get(1).path("template_data");
        assertThat(second.path("payment_code").asText()).isEqualTo(secondCode);
        assertThat(second.path("amount").asText()).isEqualTo("125.000 đồng");
        assertThat(second.path("qr_url").asText()).contains(secondCode).contains("amount=125000");
        assertThat(jdbc.queryForList("SELECT event_key FROM notify_message WHERE dossier_code = ? AND event_type = 'PAYMENT_REQUESTED'",
                String.class, code)).hasSize(2).noneMatch(k -> k.equals("PAYMENT_REQUESTED:"));
        // the repeat, worked before the re-assessment, sent nothing
        assertThat(paymentZnsTo(phone)).hasSize(2);
    }

    @Test
    void aPhoneWithoutZaloGetsThePaymentCodeBySmsForEachAssessment() {
        ObjectNode d = dossier("118", "COUNTER");
        String code = d.get("code").asText();
        String phone = d.get("applicant").get("phone").asText();
        assess(d, "LPXD", 75_000);
        await().atMost(WAIT).until(() -> smsTo(phone).size() == 1);
        String firstCode = openPaymentCode(code);
        assertThat(smsTo(phone).get(0).content()).contains("Ho so " + code).contains("75.000 dong")
                .contains("Ma thanh toan " + firstCode).doesNotContain("Ma thanh toan .");

        assess(d, "LPXD", 90_000);
        await().atMost(WAIT).until(() -> smsTo(phone).size() == 2);
        String secondCode = openPaymentCode(code);
        assertThat(secondCode).isNotEqualTo(firstCode);
        assertThat(smsTo(phone).get(1).content()).contains("90.000 dong").contains("Ma thanh toan " + secondCode);
    }

    @Test
    void aDossierPaidByBankTransferAndReturnedByPostIsNotChargedAgainOnDelivery() {
        ObjectNode paid = dossier("555", "POSTAL");
        ObjectNode unpaid = dossier("555", "POSTAL");
        String paidCode = paid.get("code").asText();
        String unpaidCode = unpaid.get("code").asText();
        assess(paid, "LPXD", 75_000);
        assess(unpaid, "LPXD", 75_000);
        await().atMost(WAIT).until(() -> openPaymentCode(paidCode) != null && openPaymentCode(unpaidCode) != null);

        // the citizen pays by transfer; the bank notifies the hub, which records the payment
        assertThat(bank.pay(openPaymentCode(paidCode), 75_000).finalCode()).isEqualTo("00");
        assertThat(jdbc.queryForObject("SELECT sum(amount) FROM dossier_payment WHERE dossier_code = ?", Long.class, paidCode))
                .isEqualTo(75_000L);

        // the result goes back by post before the one-stop system has marked the fee paid
        ObjectNode documents = JSON.createObjectNode();
        documents.putArray("documents").addObject().put("name", "Giấy phép xây dựng").put("number", "77/GPXD");
        post("RESULT_READY", paid, 9, documents);
        post("RESULT_READY", unpaid, 9, documents);

        await().atMost(WAIT).until(() -> vnpost.ordersWithSaleOrderCode(paidCode + "-KQ").size() == 1
                && vnpost.ordersWithSaleOrderCode(unpaidCode + "-KQ").size() == 1);
        JsonNode paidOrder = vnpost.ordersWithSaleOrderCode(paidCode + "-KQ").get(0).request.path("informationOrder");
        assertThat(paidOrder.path("addonService")).as("no cash on delivery: the bank already has it").isEmpty();
        assertThat(jdbc.queryForObject("SELECT cod_amount FROM vnpost_order WHERE dossier_code = ? AND purpose = 'DELIVERY'",
                Long.class, paidCode)).isZero();
        JsonNode unpaidOrder = vnpost.ordersWithSaleOrderCode(unpaidCode + "-KQ").get(0).request.path("informationOrder");
        assertThat(unpaidOrder.path("addonService")).hasSize(1);
        assertThat(unpaidOrder.path("addonService").get(0).path("propValue").asText()).isEqualTo("PROP0018:75000");
    }
}
