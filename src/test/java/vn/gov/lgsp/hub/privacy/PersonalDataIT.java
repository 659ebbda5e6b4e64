package vn.gov.lgsp.hub.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * Personal data under Decree 13/2023, end to end: one citizen's dossier with every connector's share (pickup and
 * result by post, fees, an identity check, a tax declaration, Zalo notifications), closed 400 days ago. An auditor
 * reveals it (with a reason, audited; viewers and operators refused) and exports everything about the citizen ID; the
 * purge then leaves none of the citizen's ID, phone, street or name in any text column of any table of the hub's
 * schema, and the audit chain still verifies.
 */
@HubIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PersonalDataIT {
    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired PersonalDataPurge purge;

    private String code;
    private String citizenId;
    private String phone;
    private String street;
    private String fullName;

    @BeforeAll
    void aClosedDossierOfOneCitizenWithEveryPartnersShare() {
        Random random = new Random();
        // values found nowhere else in the shared database; the phone's ending keeps Zalo answering (no fallback codes)
        citizenId = "022085" + String.format("%06d", random.nextInt(1_000_000));
        phone = "0916" + String.format("%05d", random.nextInt(100_000)) + "2";
        street = "Số " + (100 + random.nextInt(800)) + " ngõ Kiểm Thử " + Long.toString(Math.abs(random.nextLong()), 36);
        fullName = "Riêng Thị " + Long.toString(Math.abs(random.nextLong()), 36).toUpperCase();
        DossierEventFactory factory = new DossierEventFactory(random.nextLong());
        factory.setAgencyShare(1.0); // an identity check and a tax declaration
        ObjectNode dossier = factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(400));
        dossier.put("channel", 3).put("returnMethod", "POSTAL");
        ObjectNode applicant = (ObjectNode) dossier.get("applicant");
        applicant.put("fullName", fullName).put("citizenId", citizenId).put("phone", phone);
        ((ObjectNode) applicant.get("address")).put("street", street);
        code = dossier.get("code").asText();
        List<ObjectNode> events = factory.lifecycle(dossier);
        assertThat(events.get(events.size() - 1).get("eventType").asText()).isEqualTo("RESULT_RETURNED");
        TestRestTemplate onestop = TestTokens.as(http, TestTokens.onestop());
        for (ObjectNode e : events) {
            assertThat(onestop.postForEntity("/api/v1/dossier-events", json(e.toString()), String.class).getStatusCode().value())
                    .as(e.get("eventType").asText()).isEqualTo(202);
        }
        // every partner's work done: the rating invitation (due at once: the result was returned long ago) sent as
        // the last of it, nothing held, and the dossier's audit records no longer growing
        AtomicLong last = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(3)).until(() -> {
            long records = jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ?", Long.class, code);
            boolean settled = jdbc.queryForObject("SELECT count(*) FROM work_completion WHERE dossier_code = ? AND work_id LIKE 'rating:%'",
                    Long.class, code) > 0
                    && jdbc.queryForObject("SELECT count(*) FROM work_hold WHERE dossier_code = ?", Long.class, code) == 0
                    && jdbc.queryForObject("SELECT count(*) FROM police_identity_check WHERE dossier_code = ? AND status = 'COMPLETED'", Long.class, code) > 0
                    && jdbc.queryForObject("SELECT count(*) FROM tax_declaration WHERE dossier_code = ? AND state NOT IN ('SUBMITTING', 'SUBMITTED')", Long.class, code) > 0;
            return settled && last.getAndSet(records) == records;
        });
        assertThat(hits()).as("the citizen's data is in the hub before the purge (else the scan proves nothing)").isNotEmpty();
    }

    @Test
    @Order(1)
    void theRevealIsForAuditorsWithAReasonAndIsAudited() {
        String path = "/api/v1/personal-data/dossiers/" + code + "/reveal";
        String reason = "Khiếu nại số 12/KN: đối chiếu địa chỉ nhận kết quả";
        assertThat(TestTokens.as(http, TestTokens.viewer()).postForEntity(path, json("{\"reason\":\"" + reason + "\"}"), String.class)
                .getStatusCode().value()).isEqualTo(403);
        assertThat(TestTokens.as(http, TestTokens.operator()).postForEntity(path, json("{\"reason\":\"" + reason + "\"}"), String.class)
                .getStatusCode().value()).isEqualTo(403);
        assertThat(http.postForEntity(path, json("{\"reason\":\"" + reason + "\"}"), String.class).getStatusCode().value()).isEqualTo(401);
        TestRestTemplate auditor = TestTokens.as(http, TestTokens.auditor());
        for (String noReason : List.of("{}", "{\"reason\":\"  \"}", "{\"reason\":\"vì\"}")) {
            ResponseEntity<String> refused = auditor.postForEntity(path, json(noReason), String.class);
            assertThat(refused.getStatusCode().value()).as(noReason).isEqualTo(400);
            assertThat(refused.getHeaders().getContentType().toString()).startsWith("application/problem+json");
            assertThat(refused.getBody()).contains("reason").doesNotContain(citizenId, phone);
        }
        assertThat(revealRecords()).as("refused reveals show nothing and are not reveals").isZero();

        ResponseEntity<String> shown = auditor.postForEntity(path, json("{\"reason\":\"" + reason + "\"}"), String.class);
        assertThat(shown.getStatusCode().value()).isEqualTo(200);
        assertThat(shown.getBody()).contains(citizenId, phone, street, fullName, reason);
        assertThat(revealRecords()).isEqualTo(1);
        Map<String, Object> record = jdbc.queryForMap("SELECT party, correlation_id, detail FROM audit_record WHERE dossier_code = ?"
                + " AND message_type = 'PERSONAL_DATA_REVEALED'", code);
        assertThat(record.get("party")).isEqualTo("auditor");
        assertThat(record.get("correlation_id")).isEqualTo("test-auditor");
        assertThat((String) record.get("detail")).contains("test-auditor", reason);
        assertThat(TestTokens.as(http, TestTokens.auditor()).postForEntity("/api/v1/personal-data/dossiers/NO-SUCH-CODE/reveal",
                json("{\"reason\":\"" + reason + "\"}"), String.class).getStatusCode().value()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void theExportReturnsEverythingHeldAboutTheCitizen() throws Exception {
        String body = "{\"citizenId\":\"" + citizenId + "\",\"reason\":\"Yêu cầu của chủ thể dữ liệu số 7/2026\"}";
        assertThat(TestTokens.as(http, TestTokens.viewer()).postForEntity("/api/v1/personal-data/exports", json(body), String.class)
                .getStatusCode().value()).isEqualTo(403);
        assertThat(TestTokens.as(http, TestTokens.operator()).postForEntity("/api/v1/personal-data/exports", json(body), String.class)
                .getStatusCode().value()).isEqualTo(403);
        TestRestTemplate auditor = TestTokens.as(http, TestTokens.auditor());
        assertThat(auditor.postForEntity("/api/v1/personal-data/exports", json("{\"citizenId\":\"" + citizenId + "\"}"), String.class)
                .getStatusCode().value()).isEqualTo(400);
        assertThat(auditor.postForEntity("/api/v1/personal-data/exports", json("{\"citizenId\":\"12ab\",\"reason\":\"Yêu cầu số 7/2026\"}"),
                String.class).getStatusCode().value()).isEqualTo(400);
        ResponseEntity<JsonNode> r = auditor.postForEntity("/api/v1/personal-data/exports", json(body), JsonNode.class);
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        JsonNode export = r.getBody();
        assertThat(export.get("dossierCodes").toString()).contains(code);
        JsonNode data = export.get("data");
        // the citizen's rows from the core and from every connector that worked for the dossier
        assertThat(data.get("dossiers").get("dossier").toString()).contains(citizenId, phone, street, fullName);
        assertThat(data.get("dossiers").get("inbound_event").size()).isGreaterThanOrEqualTo(5);
        assertThat(data.get("zalo").get("notify_message").toString()).contains(phone);
        assertThat(data.get("vnpost").get("vnpost_order").size()).isGreaterThanOrEqualTo(1);
        assertThat(data.get("police").get("police_identity_check").size()).isEqualTo(1);
        assertThat(data.get("tax").get("tax_declaration").size()).isEqualTo(1);
        assertThat(data.get("audit").get("audit_record").size()).isGreaterThan(5);
        Map<String, Object> record = jdbc.queryForMap("SELECT correlation_id, detail FROM audit_record WHERE dossier_code = ?"
                + " AND message_type = 'PERSONAL_DATA_EXPORTED'", code);
        assertThat(record.get("correlation_id")).isEqualTo("test-auditor");
        // audited without the citizen ID itself
        assertThat((String) record.get("detail")).contains("7/2026").doesNotContain(citizenId);
    }

    @Test
    @Order(3)
    void thePurgeLeavesNoneOfTheCitizensDataInAnyTableAndTheChainStillVerifies() throws Exception {
        Map<String, Map<String, Integer>> done = purge.purge(Instant.now());
        assertThat(done.get("dossier-data").get("dossiers")).as(done.toString()).isGreaterThanOrEqualTo(1);
        assertThat(done.keySet()).contains("dossier-data", "work-data", "messages", "identity-checks", "payments", "audit-texts");
        assertThat(hits()).as("the citizen's data left after the purge (table.column: value)").isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM personal_data_purge WHERE dossier_code = ?", Long.class, code)).isEqualTo(6);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND message_type = 'PERSONAL_DATA_PURGED'",
                Long.class, code)).isEqualTo(6);

        JsonNode verify = TestTokens.as(http, TestTokens.auditor()).getForEntity("/api/v1/audit/verify", JsonNode.class).getBody();
        assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.get("recordsPurged").asLong()).isGreaterThan(5);
        JsonNode timeline = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/dossiers/" + code + "/timeline", JsonNode.class).getBody();
        assertThat(timeline.get("records").findValuesAsText("purged")).isNotEmpty();
        // what the hub keeps for its statistics stays: the dossier, its status and procedure
        assertThat(jdbc.queryForObject("SELECT status FROM dossier WHERE code = ?", Integer.class, code)).isEqualTo(10);
        // a second run has nothing left to do for this dossier
        assertThat(purge.purge(Instant.now()).get("dossier-data").get("dossiers")).isZero();
    }

    private long revealRecords() {
        return jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND message_type = 'PERSONAL_DATA_REVEALED'",
                Long.class, code);
    }

    /**
     * Every text, JSON and array column of every table of the hub's schema, searched for the citizen's ID, phone (any
     * form: its last nine digits), street and name: "table.column: what" for each hit.
     */
    private List<String> hits() {
        List<String> found = new ArrayList<>();
        Map<String, String> values = Map.of("citizen ID", citizenId, "phone", phone.substring(1), "street", street, "name", fullName);
        try (Connection owner = SharedInfrastructure.get().ownerConnection();
             ResultSet columns = owner.createStatement().executeQuery("SELECT table_name, column_name FROM information_schema.columns"
                     + " WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')"
                     + " ORDER BY table_name, column_name")) {
            while (columns.next()) {
                String table = columns.getString(1), column = columns.getString(2);
                for (var v : values.entrySet()) {
                    try (PreparedStatement ps = owner.prepareStatement("SELECT count(*) FROM \"" + table + "\" WHERE \"" + column + "\"::text LIKE ?")) {
                        ps.setString(1, "%" + v.getValue() + "%");
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            if (rs.getLong(1) > 0) found.add(table + "." + column + ": " + v.getKey());
                        }
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static HttpEntity<String> json(String body) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(body, h);
    }
}
