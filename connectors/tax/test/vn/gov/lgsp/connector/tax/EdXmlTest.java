package vn.gov.lgsp.connector.tax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.tax.edxml.EdXML;
import vn.gov.lgsp.connector.tax.edxml.MessageHeader;
import vn.gov.lgsp.connector.tax.edxml.Status;

/** edXML documents and status messages against connectors/tax/contract/edxml.xsd, both ways. */
class EdXmlTest {
    private static final byte[] KEY = "test-key".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1);

    static EdXML declaration() {
        return EdXml.document(EdXml.organization("000.00.00.H45", "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh"),
                EdXml.organization("G12.45", "Cục Thuế tỉnh Quảng Ninh"), "123", "TK-CNQSDĐ", "Quảng Ninh", LocalDate.of(2026, 12, 2),
                1, 27, "Tờ khai thuế", "Tờ khai thuế chuyển nhượng quyền sử dụng đất - hồ sơ 000.00.21.H45-261202-0001",
                "Thửa đất số 45, tờ bản đồ 12", "000.00.00.H45.TKT.00000123", null,
                List.of(new EdXml.Part("declaration", "application/json", "to-khai.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                        new EdXml.Part("form", "application/pdf", "to-khai.pdf", PDF)));
    }

    @Test
    void aSignedDocumentWithAttachmentsRoundTripsThroughXmlAndVerifies() throws Exception {
        EdXML doc = EdXml.sign(declaration(), "lgsp-h45", KEY);
        byte[] xml = EdXml.write(doc);
        String text = new String(xml, StandardCharsets.UTF_8);
        assertThat(text).contains("http://www.mic.gov.vn/TBT/QCVN_102_2016").contains("edXMLEnvelope").contains("edXMLManifest")
                .contains("AttachmentEncoded").contains("G12.45").contains("Signature");

        EdXML back = EdXml.read(xml, EdXML.class);
        MessageHeader h = back.getEdXMLEnvelope().getEdXMLHeader().getMessageHeader();
        assertThat(h.getDocumentId()).isEqualTo("000.00.00.H45.TKT.00000123");
        assertThat(h.getSubject()).contains("chuyển nhượng");
        assertThat(h.getPromulgationInfo().getPromulgationDate().toXMLFormat()).isEqualTo("2026-12-02");
        assertThat(back.getAttachmentEncoded().getAttachment()).hasSize(2);
        assertThat(back.getAttachmentEncoded().getAttachment().get(1).getContentTransferEncoded()).isEqualTo(PDF);
        EdXml.verify(back, Map.of("lgsp-h45", KEY)); // nothing thrown
    }

    @Test
    void aStatusMessageRoundTripsWithItsFields() throws Exception {
        Status s = EdXml.status(EdXml.responseFor(declaration()), EdXml.organization("G12.45", "Cục Thuế tỉnh Quảng Ninh"),
                EdXml.StatusCode.RECEIVED, null, "Bộ phận một cửa", "Nguyễn Văn A");
        Status back = EdXml.read(EdXml.write(s), Status.class);
        assertThat(back.getStatusCode()).isEqualTo("01");
        assertThat(back.getDescription()).isEqualTo("Đã đến");
        assertThat(back.getTimestamp()).matches("\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}");
        assertThat(back.getResponseFor().getDocumentId()).isEqualTo("000.00.00.H45.TKT.00000123");
        assertThat(back.getResponseFor().getCode()).isEqualTo("123/TK-CNQSDĐ");
        assertThat(back.getStaffInfo().getStaff()).isEqualTo("Nguyễn Văn A");
        assertThat(EdXml.StatusCode.of("06")).isEqualTo(EdXml.StatusCode.DONE);
    }

    @Test
    void aMalformedDocumentIsRefusedWithTheReason() throws Exception {
        String xml = new String(EdXml.write(EdXml.sign(declaration(), "lgsp-h45", KEY)), StandardCharsets.UTF_8);
        // an OrganId that is not an agency code
        String badOrgan = xml.replace(">G12.45<", ">tax office<");
        assertThatThrownBy(() -> EdXml.read(badOrgan.getBytes(StandardCharsets.UTF_8), EdXML.class))
                .isInstanceOf(EdXml.Invalid.class).hasMessageContaining("tax office").hasMessageContaining("line");
        // the Subject left out
        String noSubject = xml.replaceAll("(?s)<([a-z0-9]+:)?Subject>.*?</([a-z0-9]+:)?Subject>", "");
        assertThatThrownBy(() -> EdXml.read(noSubject.getBytes(StandardCharsets.UTF_8), EdXML.class))
                .isInstanceOf(EdXml.Invalid.class).hasMessageContaining("Content");
        // not XML at all
        assertThatThrownBy(() -> EdXml.read("<edXML".getBytes(StandardCharsets.UTF_8), EdXML.class))
                .isInstanceOf(EdXml.Invalid.class).hasMessageStartingWith("not valid edXML");
        // what the hub would send is checked too
        EdXML doc = declaration();
        doc.getEdXMLEnvelope().getEdXMLHeader().getMessageHeader().getFrom().setOrganId("H45");
        assertThatThrownBy(() -> EdXml.validate(doc)).isInstanceOf(EdXml.Invalid.class).hasMessageContaining("H45");
        assertThatThrownBy(() -> EdXml.write(doc)).isInstanceOf(EdXml.Invalid.class);
    }

    @Test
    void unsignedTamperedOrWronglyKeyedDocumentsAreRefusedNamingTheProblem() throws Exception {
        assertThatThrownBy(() -> EdXml.verify(declaration(), Map.of("lgsp-h45", KEY)))
                .isInstanceOf(EdXml.Invalid.class).hasMessageContaining("unsigned")
                .satisfies(e -> assertThat(((EdXml.Invalid) e).code()).isEqualTo("UNSIGNED"));

        EdXML tampered = EdXml.sign(declaration(), "lgsp-h45", KEY);
        tampered.getAttachmentEncoded().getAttachment().get(1).setContentTransferEncoded("%PDF other".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> EdXml.verify(tampered, Map.of("lgsp-h45", KEY))).hasMessageContaining("digest mismatch");

        EdXML otherKey = EdXml.sign(declaration(), "lgsp-h45", "another".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> EdXml.verify(otherKey, Map.of("lgsp-h45", KEY))).hasMessageContaining("does not verify");
        assertThatThrownBy(() -> EdXml.verify(otherKey, Map.of("someone", KEY))).hasMessageContaining("not known");

        EdXML missing = EdXml.sign(declaration(), "lgsp-h45", KEY);
        missing.getAttachmentEncoded().getAttachment().remove(1);
        assertThatThrownBy(() -> EdXml.verify(missing, Map.of("lgsp-h45", KEY))).hasMessageContaining("form is listed in edXMLManifest");
    }
}
