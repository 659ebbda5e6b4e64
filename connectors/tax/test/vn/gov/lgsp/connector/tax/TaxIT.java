package vn.gov.lgsp.connector.tax;

import static org.assertj.core.api.Assertions.assertThat;
import vn.gov.lgsp.hub.infra.TestTokens;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.datatype.DatatypeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.tax.simulator.TaxOfficeSimulator;
import vn.gov.lgsp.connector.tax.wsdl.DeliverTaxAnswer;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * End to end: TAX_DECLARATION_SUBMITTED events over REST, the tax shard queues, edXML over SOAP (UsernameToken) to the
 * tax office simulator, its answers as SOAP callbacks to the hub's /services/tax-callback (CXF servlet), the
 * tax_declaration rows, TAX_NOTICE_RECEIVED / TAX_DECLARATION_REJECTED on onestop.dossier.updates, and a VietinBank
 * payment code per notice (routes/update-tax-notice-received.yaml).
 */
@HubIntegrationTest
class TaxIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static final AtomicLong SEQ = new AtomicLong(1_000_000 + ThreadLocalRandom.current().nextLong(8_000_000));

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired TaxOfficeSimulator sim;
    @Autowired MeterRegistry metrics;
    @LocalServerPort int port;

    private final TopicRecorder updates = TopicRecorder.of(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC);

    @AfterEach
    void tearDown() {
        sim.reset();
    }

    @Test
    void hundredDeclarationsWithDuplicateEarlyAndShuffledCallbacksGetEachAnswerOnceAndOnePaymentCodePerNotice() {
        sim.setDelay(Duration.ZERO, Duration.ofMillis(300)); // answers in random order
        sim.setDuplicateShare(0.3);                          // a third of the callbacks come twice
        sim.setEarlyShare(0.2);                              // a fifth overtake the reply to SubmitDeclaration
        List<String> dossiers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String code = dossierCode();
            long value = i % 10 == 0 ? 80_000_000L : 1_000_000_000L + i * 10_000_000L; // every tenth below the price table
            post(declaration(code, value, i % 2 == 0));
            dossiers.add(code);
        }

        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> dossiers.stream().allMatch(d -> answers(d).size() == 1));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> dossiers.stream().filter(d -> !rejected(d))
                .allMatch(d -> paymentRequests(d).size() == 1));

        for (int i = 0; i < 100; i++) {
            String d = dossiers.get(i);
            List<JsonNode> a = answers(d);
            assertThat(a).as(d).hasSize(1);
            TaxOfficeSimulator.Filed filed = sim.filedFor(d).get(0);
            assertThat(sim.filedFor(d)).hasSize(1);
            assertThat(filed.attachments).isEqualTo(i % 2 == 0 ? 2 : 1); // the declaration data, and the PDF when given
            JsonNode detail = a.get(0).path("detail");
            assertThat(detail.path("documentId").asText()).isEqualTo(filed.documentId);
            assertThat(detail.path("receiptNumber").asText()).isEqualTo(filed.receiptNumber);
            if (i % 10 == 0) {
                assertThat(a.get(0).path("updateType").asText()).isEqualTo("TAX_DECLARATION_REJECTED");
                assertThat(detail.path("reasons")).hasSize(2);
                assertThat(paymentRequests(d)).isEmpty();
                assertThat(state(filed.documentId)).isEqualTo("REJECTED");
            } else {
                assertThat(a.get(0).path("updateType").asText()).isEqualTo("TAX_NOTICE_RECEIVED");
                long amount = TaxOfficeSimulator.amountFor(1_000_000_000L + i * 10_000_000L);
                assertThat(detail.path("amount").asLong()).isEqualTo(amount);
                assertThat(detail.path("paymentReference").asText()).isEqualTo(filed.notice.getPaymentReference());
                assertThat(detail.path("dueDate").asText()).isEqualTo(filed.notice.getDueDate().toXMLFormat().substring(0, 10));
                List<Map<String, Object>> pay = paymentRequests(d);
                assertThat(pay).hasSize(1);
                assertThat(((Number) pay.get(0).get("amount")).longValue()).isEqualTo(amount);
                assertThat(state(filed.documentId)).isEqualTo("NOTICE_ISSUED");
                await().atMost(WAIT).until(() -> updates.forDossier(d).stream().anyMatch(u -> "PAYMENT_REQUESTED".equals(u.path("updateType").asText())));
                List<String> requested = updates.forDossier(d).stream().filter(u -> "PAYMENT_REQUESTED".equals(u.path("updateType").asText()))
                        .map(u -> u.path("updateId").asText()).distinct().toList();
                assertThat(requested).singleElement().asString().startsWith("vietinbank:request:" + pay.get(0).get("cust_code") + ":");
            }
            assertThat(jdbc.queryForObject("SELECT count(*) FROM tax_callback WHERE document_id = ? AND outcome = 'APPLIED'",
                    Integer.class, filed.documentId)).isLessThanOrEqualTo(1);
        }
        // the failure modes did happen and were absorbed
        assertThat(sim.duplicatesSent()).isGreaterThan(10);
        assertThat(sim.earlySent()).isGreaterThan(5);
        // every repeat was acknowledged as such (audited DUPLICATE), none applied
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE party = 'tax' AND outcome = 'DUPLICATE'"
                + " AND dossier_code = ANY (?)", Integer.class, (Object) dossiers.toArray(String[]::new)) >= sim.duplicatesSent());
        assertThat(sim.callbackFailures()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner IN ('tax', 'vietinbank') AND dossier_code = ANY (?)",
                Integer.class, (Object) dossiers.toArray(String[]::new))).isZero();
    }

    @Test
    void forgedAndMalformedCallbacksAreRefusedWithTheReasonAndChangeNothing() throws Exception {
        String code = dossierCode();
        sim.neverAnswer(code);
        post(declaration(code, 2_000_000_000L, true));
        await().atMost(WAIT).until(() -> !sim.filedFor(code).isEmpty() && "SUBMITTED".equals(stateOfDossier(code)));
        String documentId = sim.filedFor(code).get(0).documentId;
        long outboxBefore = jdbc.queryForObject("SELECT count(*) FROM tax_update_outbox", Long.class);

        assertThat(sim.forgedWithWrongPassword(documentId)).contains("authentication failed");
        assertThat(sim.forgedUnsigned(documentId)).startsWith("UNSIGNED").contains("unsigned envelope");
        assertThat(sim.forgedWithWrongKey(documentId)).startsWith("BAD_SIGNATURE");
        assertThat(sim.forgedUnknownDeclaration(code)).startsWith("UNKNOWN_DECLARATION");
        // on the wire: the refusal is the sender's fault (soap:Client), with the declared TaxFault detail
        String unsigned = sim.rawAnswer(sim.unsignedNotice(documentId));
        assertThat(unsigned).startsWith("500 ").contains("<Code>UNSIGNED</Code>");
        assertThat(faultcode(unsigned)).isEqualTo("Client");

        // a malformed envelope, straight on the wire: a SOAP fault naming the violation, never an HTML error page
        HttpResponse<String> malformed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/services/tax-callback"))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "urn:lgsp:tax:v1:DeliverTaxAnswer")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="urn:lgsp:tax:v1">
                          <soapenv:Body><t:DeliverTaxAnswer><t:CallbackId>x</t:CallbackId></t:DeliverTaxAnswer></soapenv:Body>
                        </soapenv:Envelope>""")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(500);
        assertThat(malformed.headers().firstValue("Content-Type").orElse("")).contains("xml");
        assertThat(malformed.body()).contains("Fault").contains("authentication failed").doesNotContain("<html");
        assertThat(faultcode(malformed.body())).isEqualTo("FailedAuthentication");

        // nothing changed: still waiting for its answer, no callback recorded, no update queued or published
        // (a slow machine may pass the test profile's 3 s answer time meanwhile: OVERDUE is the clock's doing, not the forgery's)
        assertThat(stateOfDossier(code)).isIn("SUBMITTED", "OVERDUE");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tax_callback WHERE document_id = ?", Integer.class, documentId)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tax_update_outbox", Long.class)).isEqualTo(outboxBefore);
        assertThat(answers(code)).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND party = 'tax' AND outcome = 'REFUSED'",
                Integer.class, code)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void anAuthenticatedButMalformedCallbackIsRefusedNamingTheSchemaViolation() {
        String reply = sim.rawCallback("""
                <t:DeliverTaxAnswer xmlns:t="urn:lgsp:tax:v1"><t:CallbackId>CB-bad</t:CallbackId>
                  <t:Notice><t:DossierCode>x</t:DossierCode></t:Notice></t:DeliverTaxAnswer>""");
        assertThat(reply).contains("Fault").containsPattern("cvc-|Unmarshalling").doesNotContain("<html");
        assertThat(faultcode(reply)).isEqualTo("Client");
    }

    @Test
    void valuesTooLongForTheHubOrADueDateBeyond9999AreRefusedAsTheOfficesErrorsByCallbackAndByStateQuery() throws Exception {
        String code = dossierCode();
        // the office answers only the state query, with a TaxOfficeCode longer than the hub keeps (40)
        sim.answerOnlyWhenAsked(code, n -> n.setTaxOfficeCode("G12.45." + "X".repeat(40)));
        post(declaration(code, 2_000_000_000L, false));
        await().atMost(WAIT).until(() -> !sim.filedFor(code).isEmpty() && List.of("SUBMITTED", "OVERDUE").contains(stateOfDossier(code)));
        String documentId = sim.filedFor(code).get(0).documentId;

        String tooLong = sim.rawAnswer(sim.answerOf(documentId));
        assertRefused(tooLong, "INVALID_DOCUMENT", "TaxOfficeCode is longer than 40 characters");

        DeliverTaxAnswer longId = sim.answerOf(documentId);
        longId.getNotice().setTaxOfficeCode("G12.45");
        longId.setCallbackId("CB-" + "7".repeat(80));
        assertRefused(sim.rawAnswer(longId), "INVALID_DOCUMENT", "CallbackId is longer than 80 characters");

        DeliverTaxAnswer farDue = sim.answerOf(documentId);
        farDue.getNotice().setTaxOfficeCode("G12.45");
        farDue.getNotice().setDueDate(DatatypeFactory.newInstance().newXMLGregorianCalendar("10000-01-01"));
        assertRefused(sim.rawAnswer(farDue), "INVALID_DOCUMENT", "DueDate 10000-01-01 is not within the years 1900..9999");

        // the state query finds the same too-long answer: refused (audited), the declaration left for an operator
        await().atMost(WAIT).until(() -> "OVERDUE".equals(stateOfDossier(code)));
        String reason = jdbc.queryForObject("SELECT overdue_reason FROM tax_declaration WHERE document_id = ?", String.class, documentId);
        assertThat(reason).contains("refused").contains("TaxOfficeCode is longer than 40 characters").doesNotContainIgnoringCase("sql");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tax_callback WHERE document_id = ?", Integer.class, documentId)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tax_update_outbox WHERE update_json LIKE ?", Integer.class, "%" + documentId + "%")).isZero();
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND party = 'tax'"
                + " AND outcome = 'REFUSED'", Integer.class, code) >= 4);
        assertThat(answers(code)).isEmpty();
    }

    @Test
    void aReusedCallbackIdWithOtherContentAndAnAnswerWithAnotherReceiptNumberAreRefused() {
        String code = dossierCode();
        String waiting = dossierCode();
        sim.neverAnswer(waiting);
        post(declaration(code, 2_000_000_000L, false));
        post(declaration(waiting, 2_000_000_000L, false));
        await().atMost(WAIT).until(() -> answers(code).size() == 1 && !sim.filedFor(waiting).isEmpty()
                && List.of("SUBMITTED", "OVERDUE").contains(stateOfDossier(waiting)));
        String documentId = sim.filedFor(code).get(0).documentId;
        String other = sim.filedFor(waiting).get(0).documentId;
        String callbackId = sim.answerOf(documentId).getCallbackId();

        // the same callback again: acknowledged as a repeat
        assertThat(sim.rawAnswer(sim.answerOf(documentId))).startsWith("200 ").contains("trùng lặp");

        // the same CallbackId with another amount, or for another declaration: not a repeat
        DeliverTaxAnswer otherAmount = sim.answerOf(documentId);
        otherAmount.getNotice().setAmount(otherAmount.getNotice().getAmount() + 1);
        assertRefused(sim.rawAnswer(otherAmount), "CONFLICTING_ANSWER", "CallbackId " + callbackId + " was used before");
        DeliverTaxAnswer otherDeclaration = sim.answerOf(other);
        otherDeclaration.setCallbackId(callbackId);
        assertRefused(sim.rawAnswer(otherDeclaration), "CONFLICTING_ANSWER", "CallbackId " + callbackId + " was used before");

        // an answer naming a receipt number that is not the one the office gave the hub for the declaration
        DeliverTaxAnswer otherReceipt = sim.answerOf(other);
        otherReceipt.getNotice().setReceiptNumber("CT-1999-1");
        assertRefused(sim.rawAnswer(otherReceipt), "UNKNOWN_DECLARATION", "not CT-1999-1");

        assertThat(stateOfDossier(waiting)).isIn("SUBMITTED", "OVERDUE");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tax_callback WHERE document_id = ?", Integer.class, other)).isZero();
        assertThat(jdbc.queryForObject("SELECT amount FROM tax_declaration WHERE document_id = ?", Long.class, documentId))
                .isEqualTo(sim.filed(documentId).notice.getAmount());
        assertThat(answers(code)).hasSize(1);
        assertThat(answers(waiting)).isEmpty();
    }

    @Test
    void aReceiptNumberTooLongForTheHubSendsTheDeclarationToTheDeadLettersNotIntoEndlessRetries() {
        String code = dossierCode();
        sim.neverAnswer(code);
        sim.receiptFor(code, "CT-2026-" + "1".repeat(60));
        post(declaration(code, 2_000_000_000L, false));
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'tax' AND dossier_code = ?",
                Integer.class, code) == 1);
        Map<String, Object> dead = jdbc.queryForMap("SELECT reason, attempts FROM dead_letter WHERE partner = 'tax' AND dossier_code = ?", code);
        assertThat((String) dead.get("reason")).contains("ReceiptNumber is longer than 64 characters").doesNotContainIgnoringCase("sql");
        assertThat(((Number) dead.get("attempts")).intValue()).isEqualTo(1);
        String documentId = sim.filedFor(code).get(0).documentId;
        assertThat(sim.submissions().perKey().get(documentId)).isEqualTo(1);
        assertThat(stateOfDossier(code)).isEqualTo("SUBMITTING");
    }

    @Test
    void aDeclarationNeverAnsweredIsQueriedThenOverdueAndALateAnswerStillApplies() {
        String code = dossierCode();
        sim.neverAnswer(code);
        double before = counter();
        post(declaration(code, 3_000_000_000L, false));
        await().atMost(WAIT).until(() -> "OVERDUE".equals(stateOfDossier(code)));
        String documentId = sim.filedFor(code).get(0).documentId;
        assertThat(sim.stateQueries()).contains(documentId);
        ResponseEntity<String> overdue = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/tax/overdue", String.class);
        assertThat(overdue.getStatusCode().value()).isEqualTo(200);
        assertThat(overdue.getBody()).contains(documentId).contains(code).contains("PROCESSING");
        assertThat(counter()).isGreaterThan(before);
        String prometheus = TestTokens.as(http, TestTokens.metrics()).getForObject("/actuator/prometheus", String.class);
        assertThat(prometheus).contains("hub_tax_overdue_total").contains("hub_tax_declarations_overdue");

        sim.answerNow(documentId); // the answer arrives after all
        await().atMost(WAIT).until(() -> answers(code).size() == 1 && paymentRequests(code).size() == 1);
        assertThat(stateOfDossier(code)).isEqualTo("NOTICE_ISSUED");
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private static final Pattern FAULTCODE = Pattern.compile("<faultcode[^>]*>\\s*(?:[^:<]*:)?([^<\\s]*)\\s*</faultcode>");

    /** The local part of the SOAP 1.1 faultcode in a reply (Client, Server, FailedAuthentication), or null. */
    private static String faultcode(String reply) {
        Matcher m = FAULTCODE.matcher(reply);
        return m.find() ? m.group(1) : null;
    }

    /** A refusal of the office's input: soap:Client, the TaxFault code, the reason, and nothing of the hub's internals. */
    private static void assertRefused(String reply, String code, String reason) {
        assertThat(reply).startsWith("500 ").contains("<Code>" + code + "</Code>").contains(reason)
                .doesNotContainIgnoringCase("sql").doesNotContain("tax_declaration").doesNotContain("varying");
        assertThat(faultcode(reply)).as(reply).isEqualTo("Client");
    }

    private List<JsonNode> answers(String dossier) {
        return updates.forDossier(dossier).stream()
                .filter(u -> List.of("TAX_NOTICE_RECEIVED", "TAX_DECLARATION_REJECTED").contains(u.path("updateType").asText()))
                .toList();
    }

    private boolean rejected(String dossier) {
        return answers(dossier).stream().anyMatch(u -> "TAX_DECLARATION_REJECTED".equals(u.path("updateType").asText()));
    }

    private List<Map<String, Object>> paymentRequests(String dossier) {
        return jdbc.queryForList("SELECT cust_code, amount FROM vtb_payment_request WHERE dossier_code = ? AND purpose = 'TAX'", dossier);
    }

    private String state(String documentId) {
        return jdbc.queryForObject("SELECT state FROM tax_declaration WHERE document_id = ?", String.class, documentId);
    }

    private String stateOfDossier(String dossier) {
        List<String> s = jdbc.queryForList("SELECT state FROM tax_declaration WHERE dossier_code = ?", String.class, dossier);
        return s.isEmpty() ? null : s.get(0);
    }

    private double counter() {
        var c = metrics.find("hub.tax.overdue").counter();
        return c == null ? 0 : c.count();
    }

    private static String dossierCode() {
        return "G22.63-" + OffsetDateTime.now(VN).format(DateTimeFormatter.ofPattern("yyyyMMdd")) + "-" + SEQ.incrementAndGet();
    }

    static ObjectNode declaration(String code, long value, boolean withPdf) {
        ObjectNode e = JSON.createObjectNode();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("eventType", "TAX_DECLARATION_SUBMITTED");
        e.put("occurredAt", OffsetDateTime.now(VN).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        ObjectNode d = e.putObject("dossier");
        d.put("code", code);
        d.put("procedureCode", "1.004227");
        d.put("procedureName", "Đăng ký biến động quyền sử dụng đất do chuyển nhượng");
        d.put("agencyCode", "000.00.21.H45");
        d.put("status", 4);
        d.put("channel", 1);
        d.put("receivedAt", OffsetDateTime.now(VN).minusDays(2).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        d.put("returnMethod", "COUNTER");
        ObjectNode a = d.putObject("applicant");
        a.put("fullName", "Phạm Văn Đức");
        a.put("citizenId", "022085004567");
        a.put("phone", "0987654321");
        ObjectNode detail = e.putObject("detail");
        detail.putObject("parcel").put("number", "45").put("mapSheet", "12").put("area", 120.5)
                .put("address", "Tổ 3, khu 5, phường Hồng Hải, thành phố Hạ Long");
        detail.put("declaredValue", value);
        var parties = detail.putArray("parties");
        parties.addObject().put("role", "TRANSFEROR").put("fullName", "Phạm Văn Đức").put("citizenId", "022085004567");
        parties.addObject().put("role", "TRANSFEREE").put("fullName", "Lê Thị Hoa").put("citizenId", "022190007654");
        if (withPdf) {
            detail.putObject("document").put("name", "to-khai-03-BDS.pdf").put("contentType", "application/pdf")
                    .put("contentBase64", Base64.getEncoder().encodeToString("%PDF-1.4\n% Tờ khai 03/BĐS-TNCN\n%%EOF\n".getBytes()));
        }
        return e;
    }

    private void post(ObjectNode event) {
        HttpHeaders h = TestTokens.bearer(TestTokens.onestop());
        h.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> r = http.postForEntity("/api/v1/dossier-events", new HttpEntity<>(event.toString(), h), String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(202);
    }
}
