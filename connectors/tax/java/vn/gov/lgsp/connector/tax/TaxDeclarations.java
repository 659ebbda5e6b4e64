package vn.gov.lgsp.connector.tax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.tax.edxml.EdXML;
import vn.gov.lgsp.connector.tax.wsdl.Declaration;
import vn.gov.lgsp.connector.tax.wsdl.Parcel;
import vn.gov.lgsp.connector.tax.wsdl.Party;
import vn.gov.lgsp.connector.tax.wsdl.SubmitDeclaration;
import vn.gov.lgsp.connector.tax.wsdl.SubmitDeclarationResponse;
import vn.gov.lgsp.connector.tax.wsdl.TaxFault_Exception;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.PartnerRejectedException;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Partner "tax" work: a TAX_DECLARATION_SUBMITTED event -> the declaration (structured) and its edXML document
 * (signed; the declaration data as JSON and the signed form as PDF attached) -> SubmitDeclaration at the tax office ->
 * its receipt number. The answer comes later ({@link TaxAnswers}).
 * <ul>
 *   <li>the declaration row (its edXML DocumentId) is committed BEFORE the call, so an answer that overtakes the
 *       call's own reply finds it;</li>
 *   <li>a redelivered work item finds its row: the same DocumentId is sent again (the tax office answers a repeated
 *       DocumentId with the same receipt), and an already submitted declaration is not sent again;</li>
 *   <li>a contract breach in the event (no parcel, a non-integer value, bad Base64) and the tax office's refusals of the
 *       document (INVALID_DOCUMENT, UNSIGNED, BAD_SIGNATURE, edXML status 02), and a receipt number too long for the
 *       hub to keep (INVALID_ANSWER), are final; the office down or slow is retried by the queue.</li>
 * </ul>
 */
@Component
public class TaxDeclarations implements PartnerConnector {
    public static final String PARTNER = "tax";

    private final TaxOfficeClient client;
    private final TaxProperties props;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public TaxDeclarations(TaxOfficeClient client, TaxProperties props, JdbcTemplate jdbc, ObjectMapper json) {
        this.client = client;
        this.props = props;
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public String partner() {
        return PARTNER;
    }

    /** Partner "tax" work: a TAX_DECLARATION_SUBMITTED event -> the declaration in edXML to the tax office. */
    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        JsonNode event = json.readTree(work.body());
        if (!"TAX_DECLARATION_SUBMITTED".equals(event.path("eventType").asText())) {
            return Delivery.skipped("not a tax declaration: " + event.path("eventType").asText());
        }
        String workId = work.workId();
        String dossier = event.path("dossier").path("code").asText();
        JsonNode d = event.path("detail");
        Declaration declaration = declaration(dossier, d);
        byte[] pdf = null;
        JsonNode doc = d.path("document");
        if (doc.isObject()) {
            try {
                pdf = Base64.getMimeDecoder().decode(doc.path("contentBase64").asText(""));
            } catch (IllegalArgumentException e) {
                throw new PartnerRejectedException("INVALID_REQUEST", "detail.document.contentBase64 is not Base64");
            }
        }

        List<Map<String, Object>> rows = jdbc.queryForList("SELECT document_id, code_number, state, receipt_number, created_at"
                + " FROM tax_declaration WHERE work_id = ?", workId);
        if (rows.isEmpty()) {
            long seq = jdbc.queryForObject("SELECT nextval('tax_document_seq')", Long.class);
            String documentId = props.getHub().getId() + ".TKT." + String.format("%08d", seq);
            jdbc.update("INSERT INTO tax_declaration (document_id, work_id, dossier_code, code_number, declared_value, state)"
                    + " VALUES (?,?,?,?,?, 'SUBMITTING') ON CONFLICT (work_id) DO NOTHING", documentId, workId, dossier,
                    Long.toString(seq), declaration.getDeclaredValue());
            rows = jdbc.queryForList("SELECT document_id, code_number, state, receipt_number, created_at FROM tax_declaration WHERE work_id = ?", workId);
        }
        Map<String, Object> row = rows.get(0);
        String documentId = (String) row.get("document_id");
        if (!"SUBMITTING".equals(row.get("state"))) {
            return Delivery.skipped("declaration " + documentId + " already submitted (" + row.get("state")
                    + (row.get("receipt_number") == null ? "" : ", receipt " + row.get("receipt_number")) + ")");
        }
        declaration.setDocumentId(documentId);
        LocalDate promulgated = ((java.sql.Timestamp) row.get("created_at")).toInstant().atZone(DossierUpdates.VIETNAM).toLocalDate();

        ObjectNode data = json.createObjectNode();
        data.put("dossierCode", dossier);
        data.put("documentId", documentId);
        data.set("parcel", d.path("parcel"));
        data.put("declaredValue", declaration.getDeclaredValue());
        data.set("parties", d.path("parties"));
        List<EdXml.Part> parts = new ArrayList<>();
        parts.add(new EdXml.Part("declaration", "application/json", "to-khai-" + documentId + ".json",
                json.writeValueAsString(data).getBytes(StandardCharsets.UTF_8)));
        if (pdf != null) parts.add(new EdXml.Part("form", doc.path("contentType").asText("application/pdf"), doc.path("name").asText("to-khai.pdf"), pdf));
        String parcel = d.path("parcel").path("number").asText() + ", tờ bản đồ " + d.path("parcel").path("mapSheet").asText();
        EdXML envelope = EdXml.document(EdXml.organization(props.getHub().getId(), props.getHub().getName()),
                EdXml.organization(props.getOffice().getId(), props.getOffice().getName()), (String) row.get("code_number"), "TK-CNQSDĐ",
                props.getPlace(), promulgated, 1, 27, "Tờ khai thuế thu nhập cá nhân, lệ phí trước bạ nhà đất",
                "Tờ khai thuế chuyển nhượng quyền sử dụng đất - hồ sơ " + dossier,
                "Thửa đất số " + parcel + "; giá trị kê khai " + declaration.getDeclaredValue() + " đồng", documentId, null, parts);
        EdXml.sign(envelope, props.getSigningKeyName(), props.getSigningKey().getBytes(StandardCharsets.UTF_8));
        try {
            EdXml.validate(envelope); // what leaves the hub is valid edXML too
        } catch (EdXml.Invalid e) {
            throw new PartnerRejectedException("INVALID_DOCUMENT", e.getMessage());
        }
        SubmitDeclaration req = new SubmitDeclaration();
        req.setDeclaration(declaration);
        req.setEdXML(envelope);

        SubmitDeclarationResponse resp;
        try {
            resp = client.submit(req);
        } catch (TaxFault_Exception f) {
            String code = f.getFaultInfo() == null ? "UNKNOWN" : f.getFaultInfo().getCode();
            String message = f.getFaultInfo() == null ? f.getMessage() : f.getFaultInfo().getMessage();
            if ("UNAVAILABLE".equals(code)) throw new IllegalStateException("tax office unavailable: " + message);
            throw new PartnerRejectedException(code, "tax office refused the declaration: " + message);
        } catch (SOAPFaultException | org.apache.cxf.binding.soap.SoapFault f) {
            throw new IllegalStateException("tax office fault: " + f.getMessage());
        }
        String status = resp.getStatus() == null ? null : resp.getStatus().getStatusCode();
        if (EdXml.StatusCode.REFUSED.code.equals(status)) {
            throw new PartnerRejectedException("02", "tax office refused the declaration: " + resp.getStatus().getDescription());
        }
        String tooLong = TaxAnswers.tooLong("ReceiptNumber", resp.getReceiptNumber(), TaxAnswers.NUMBER_WIDTH);
        if (tooLong != null) {
            // the office's answer cannot be kept (receipt_number): asking again gets the same answer, so this is its
            // refusal of the item for an operator (dead letter), not an outage to retry
            throw new PartnerRejectedException("INVALID_ANSWER", "the tax office's answer to declaration " + documentId
                    + " cannot be recorded: " + tooLong);
        }
        jdbc.update("UPDATE tax_declaration SET receipt_number = COALESCE(receipt_number, ?),"
                + " state = CASE WHEN state = 'SUBMITTING' THEN 'SUBMITTED' ELSE state END,"
                + " submitted_at = COALESCE(submitted_at, now()),"
                + " answer_due_at = COALESCE(answer_due_at, now() + make_interval(secs => ?)) WHERE document_id = ?",
                resp.getReceiptNumber(), (double) props.getAnswerTimeout().toMillis() / 1000.0, documentId);
        return Delivery.done("declaration " + documentId + " received by the tax office, receipt "
                + resp.getReceiptNumber() + " (edXML status " + status + ")").withPayload(json.writeValueAsString(data));
    }

    private Declaration declaration(String dossier, JsonNode d) throws PartnerRejectedException {
        JsonNode p = d.path("parcel");
        JsonNode value = d.path("declaredValue");
        if (!p.isObject() || p.path("number").asText("").isBlank() || p.path("mapSheet").asText("").isBlank() || p.path("address").asText("").isBlank()) {
            throw new PartnerRejectedException("INVALID_REQUEST", "detail.parcel needs number, mapSheet and address");
        }
        if (!value.canConvertToExactIntegral() || value.asLong(-1) < 0) {
            throw new PartnerRejectedException("INVALID_REQUEST", "detail.declaredValue must be a non-negative integer VND amount");
        }
        if (!d.path("parties").isArray() || d.path("parties").isEmpty()) {
            throw new PartnerRejectedException("INVALID_REQUEST", "detail.parties is empty");
        }
        Declaration decl = new Declaration();
        decl.setDossierCode(dossier);
        Parcel parcel = new Parcel();
        parcel.setNumber(p.path("number").asText());
        parcel.setMapSheet(p.path("mapSheet").asText());
        if (p.has("area")) parcel.setArea(p.path("area").decimalValue());
        parcel.setAddress(p.path("address").asText());
        decl.setParcel(parcel);
        decl.setDeclaredValue(value.asLong());
        for (JsonNode party : d.path("parties")) {
            Party x = new Party();
            x.setRole(party.path("role").asText());
            x.setFullName(party.path("fullName").asText());
            x.setCitizenId(party.path("citizenId").asText());
            decl.getParty().add(x);
        }
        return decl;
    }
}
