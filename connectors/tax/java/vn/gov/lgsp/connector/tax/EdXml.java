package vn.gov.lgsp.connector.tax;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import jakarta.xml.bind.util.JAXBSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.XMLConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;
import vn.gov.lgsp.connector.tax.edxml.Attachment;
import vn.gov.lgsp.connector.tax.edxml.AttachmentEncoded;
import vn.gov.lgsp.connector.tax.edxml.Body;
import vn.gov.lgsp.connector.tax.edxml.Code;
import vn.gov.lgsp.connector.tax.edxml.DocumentType;
import vn.gov.lgsp.connector.tax.edxml.EdXML;
import vn.gov.lgsp.connector.tax.edxml.Envelope;
import vn.gov.lgsp.connector.tax.edxml.Header;
import vn.gov.lgsp.connector.tax.edxml.Manifest;
import vn.gov.lgsp.connector.tax.edxml.MessageHeader;
import vn.gov.lgsp.connector.tax.edxml.Organization;
import vn.gov.lgsp.connector.tax.edxml.PromulgationInfo;
import vn.gov.lgsp.connector.tax.edxml.Reference;
import vn.gov.lgsp.connector.tax.edxml.ResponseFor;
import vn.gov.lgsp.connector.tax.edxml.Signature;
import vn.gov.lgsp.connector.tax.edxml.StaffInfo;
import vn.gov.lgsp.connector.tax.edxml.Status;

/**
 * edXML (QCVN 102:2016) documents and status messages: built, signed, checked, written and read with JAXB from
 * connectors/tax/contract/edxml.xsd, and validated against it both ways. Every refusal is an {@link Invalid} whose
 * message names the problem (the schema's own words with line and column, or which signature check failed).
 *
 * <p>Signature (the hub's simplification of the standard's XML-DSig, see connectors/tax/README.md):
 * {@code DigestValue = SHA-256(canonical)}, {@code SignatureValue = HMAC-SHA256(key(KeyName), canonical)}, where
 * canonical is the UTF-8 of: From.OrganId, every To.OrganId, CodeNumber, CodeNotation, PromulgationDate, Type,
 * TypeDetail, Subject, DocumentId, ResponseFor.DocumentId (or empty), then per manifest Reference
 * "ContentId|ContentType|AttachmentName" and per Attachment "ContentId:" + hex SHA-256 of its decoded bytes,
 * one per line.
 */
public final class EdXml {
    public static final String NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
    public static final String DIGEST_METHOD = "http://www.w3.org/2001/04/xmlenc#sha256";
    public static final String SIGNATURE_METHOD = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
    public static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");

    /** The status codes of an edXML status message, in one place (the numbering has low confidence: agencies.md). */
    public enum StatusCode {
        RECEIVED("01", "Đã đến"), REFUSED("02", "Từ chối tiếp nhận"), ACCEPTED("03", "Đã tiếp nhận"),
        ASSIGNED("04", "Phân công"), IN_PROGRESS("05", "Đang xử lý"), DONE("06", "Hoàn thành");

        public final String code;
        public final String label;

        StatusCode(String code, String label) {
            this.code = code;
            this.label = label;
        }

        public static StatusCode of(String code) {
            for (StatusCode s : values()) if (s.code.equals(code)) return s;
            throw new IllegalArgumentException("unknown edXML status code " + code);
        }
    }

    /** A document or status message that breaks the schema or the signature rules; the message says how. */
    public static final class Invalid extends Exception {
        private final String code;

        public Invalid(String code, String message) {
            super(message);
            this.code = code;
        }

        /** INVALID_DOCUMENT, UNSIGNED or BAD_SIGNATURE. */
        public String code() {
            return code;
        }
    }

    /** An attachment to put in a document. */
    public record Part(String contentId, String contentType, String name, byte[] bytes) {}

    private static final JAXBContext CONTEXT;
    private static final Schema SCHEMA;

    static {
        try {
            CONTEXT = JAXBContext.newInstance(EdXML.class, Status.class);
            URL xsd = EdXml.class.getClassLoader().getResource("connectors/tax/contract/edxml.xsd");
            if (xsd == null) throw new IllegalStateException("connectors/tax/contract/edxml.xsd is not on the classpath");
            SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            SCHEMA = f.newSchema(xsd);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private EdXml() {}

    public static Schema schema() {
        return SCHEMA;
    }

    // ------------------------------------------------------------------------------------------------ building

    public static Organization organization(String organId, String name) {
        Organization o = new Organization();
        o.setOrganId(organId);
        o.setOrganName(name);
        return o;
    }

    /** An unsigned document with its attachments listed in the manifest. */
    public static EdXML document(Organization from, Organization to, String codeNumber, String codeNotation, String place,
                                 LocalDate promulgated, int type, int typeDetail, String typeName, String subject, String content,
                                 String documentId, ResponseFor responseFor, List<Part> parts) {
        MessageHeader h = new MessageHeader();
        h.setFrom(from);
        h.getTo().add(to);
        h.setResponseFor(responseFor);
        Code code = new Code();
        code.setCodeNumber(codeNumber);
        code.setCodeNotation(codeNotation);
        h.setCode(code);
        PromulgationInfo p = new PromulgationInfo();
        p.setPlace(place);
        p.setPromulgationDate(date(promulgated));
        h.setPromulgationInfo(p);
        DocumentType t = new DocumentType();
        t.setType(type);
        t.setTypeDetail(typeDetail);
        t.setTypeName(typeName);
        h.setDocumentType(t);
        h.setSubject(subject);
        h.setContent(content == null ? "" : content);
        h.setDocumentId(documentId);
        Header header = new Header();
        header.setMessageHeader(h);
        Manifest manifest = new Manifest();
        AttachmentEncoded encoded = new AttachmentEncoded();
        for (Part part : parts) {
            Reference r = new Reference();
            r.setContentId(part.contentId());
            r.setContentType(part.contentType());
            r.setAttachmentName(part.name());
            manifest.getReference().add(r);
            Attachment a = new Attachment();
            a.setContentId(part.contentId());
            a.setContentTransferEncoded(part.bytes());
            encoded.getAttachment().add(a);
        }
        Body body = new Body();
        body.setEdXMLManifest(manifest);
        Envelope env = new Envelope();
        env.setEdXMLHeader(header);
        env.setEdXMLBody(body);
        EdXML doc = new EdXML();
        doc.setEdXMLEnvelope(env);
        if (!parts.isEmpty()) doc.setAttachmentEncoded(encoded);
        return doc;
    }

    /** What an answer refers to: the document it answers. */
    public static ResponseFor responseFor(EdXML doc) {
        MessageHeader h = doc.getEdXMLEnvelope().getEdXMLHeader().getMessageHeader();
        ResponseFor r = new ResponseFor();
        r.setOrganId(h.getFrom().getOrganId());
        r.setCode(h.getCode().getCodeNumber() + "/" + h.getCode().getCodeNotation());
        r.setPromulgationDate(h.getPromulgationInfo().getPromulgationDate());
        r.setDocumentId(h.getDocumentId());
        return r;
    }

    public static Status status(ResponseFor responseFor, Organization from, StatusCode code, String description,
                                String department, String staff) {
        Status s = new Status();
        s.setResponseFor(responseFor);
        s.setFrom(from);
        s.setStatusCode(code.code);
        s.setDescription(description == null ? code.label : description);
        s.setTimestamp(LocalDateTime.now(VIETNAM).format(TIMESTAMP));
        StaffInfo si = new StaffInfo();
        si.setDepartment(department);
        si.setStaff(staff);
        s.setStaffInfo(si);
        return s;
    }

    public static XMLGregorianCalendar date(LocalDate d) {
        try {
            return DatatypeFactory.newInstance().newXMLGregorianCalendar(d.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ signature

    /** Signs the document in place with the key named {@code keyName}. */
    public static EdXML sign(EdXML doc, String keyName, byte[] key) {
        byte[] canonical = canonical(doc);
        Signature s = new Signature();
        s.setDigestMethod(DIGEST_METHOD);
        s.setDigestValue(sha256(canonical));
        s.setSignatureMethod(SIGNATURE_METHOD);
        s.setSignatureValue(hmac(key, canonical));
        s.setKeyName(keyName);
        doc.getEdXMLEnvelope().getEdXMLHeader().setSignature(s);
        return doc;
    }

    /**
     * Checks the document's structure beyond the schema (every manifest reference has its attachment and back) and
     * its signature with the key its KeyName names among {@code keys}.
     */
    public static void verify(EdXML doc, Map<String, byte[]> keys) throws Invalid {
        checkManifest(doc);
        Signature s = doc.getEdXMLEnvelope().getEdXMLHeader().getSignature();
        if (s == null) throw new Invalid("UNSIGNED", "unsigned envelope: edXMLHeader has no Signature");
        byte[] key = keys.get(s.getKeyName());
        if (key == null) throw new Invalid("BAD_SIGNATURE", "signature key '" + s.getKeyName() + "' is not known to the hub");
        if (!DIGEST_METHOD.equals(s.getDigestMethod()) || !SIGNATURE_METHOD.equals(s.getSignatureMethod())) {
            throw new Invalid("BAD_SIGNATURE", "unsupported DigestMethod or SignatureMethod");
        }
        byte[] canonical = canonical(doc);
        if (!MessageDigest.isEqual(sha256(canonical), s.getDigestValue())) {
            throw new Invalid("BAD_SIGNATURE", "digest mismatch: the header or an attachment was altered after signing");
        }
        if (!MessageDigest.isEqual(hmac(key, canonical), s.getSignatureValue())) {
            throw new Invalid("BAD_SIGNATURE", "signature value does not verify with key '" + s.getKeyName() + "'");
        }
    }

    static void checkManifest(EdXML doc) throws Invalid {
        Map<String, Attachment> attachments = new LinkedHashMap<>();
        if (doc.getAttachmentEncoded() != null) {
            for (Attachment a : doc.getAttachmentEncoded().getAttachment()) {
                if (attachments.put(a.getContentId(), a) != null) throw new Invalid("INVALID_DOCUMENT", "attachment " + a.getContentId() + " appears twice");
            }
        }
        List<String> listed = new ArrayList<>();
        for (Reference r : doc.getEdXMLEnvelope().getEdXMLBody().getEdXMLManifest().getReference()) {
            listed.add(r.getContentId());
            if (!attachments.containsKey(r.getContentId())) {
                throw new Invalid("INVALID_DOCUMENT", "attachment " + r.getContentId() + " is listed in edXMLManifest but not in AttachmentEncoded");
            }
        }
        for (String id : attachments.keySet()) {
            if (!listed.contains(id)) throw new Invalid("INVALID_DOCUMENT", "attachment " + id + " is not listed in edXMLManifest");
        }
    }

    static byte[] canonical(EdXML doc) {
        MessageHeader h = doc.getEdXMLEnvelope().getEdXMLHeader().getMessageHeader();
        StringBuilder b = new StringBuilder();
        line(b, h.getFrom() == null ? "" : h.getFrom().getOrganId());
        for (Organization to : h.getTo()) line(b, to.getOrganId());
        line(b, h.getCode() == null ? "" : h.getCode().getCodeNumber());
        line(b, h.getCode() == null ? "" : h.getCode().getCodeNotation());
        line(b, h.getPromulgationInfo() == null || h.getPromulgationInfo().getPromulgationDate() == null ? ""
                : h.getPromulgationInfo().getPromulgationDate().toXMLFormat());
        line(b, h.getDocumentType() == null ? "" : h.getDocumentType().getType() + "/" + h.getDocumentType().getTypeDetail());
        line(b, h.getSubject());
        line(b, h.getDocumentId());
        line(b, h.getResponseFor() == null ? "" : h.getResponseFor().getDocumentId());
        for (Reference r : doc.getEdXMLEnvelope().getEdXMLBody().getEdXMLManifest().getReference()) {
            line(b, r.getContentId() + "|" + r.getContentType() + "|" + r.getAttachmentName());
        }
        if (doc.getAttachmentEncoded() != null) {
            for (Attachment a : doc.getAttachmentEncoded().getAttachment()) {
                line(b, a.getContentId() + ":" + HexFormat.of().formatHex(sha256(a.getContentTransferEncoded() == null ? new byte[0] : a.getContentTransferEncoded())));
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder b, String s) {
        b.append(s == null ? "" : s).append('\n');
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ XML

    /** The document or status message as XML, refused if it breaks the schema (what the hub sends is checked too). */
    public static byte[] write(Object edXmlOrStatus) throws Invalid {
        try {
            Marshaller m = CONTEXT.createMarshaller();
            m.setSchema(SCHEMA);
            m.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, true);
            m.setProperty(Marshaller.JAXB_ENCODING, "UTF-8");
            List<String> errors = new ArrayList<>();
            m.setEventHandler(e -> errors.add(describe(e)) && false);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                m.marshal(edXmlOrStatus, out);
            } catch (JAXBException e) {
                throw new Invalid("INVALID_DOCUMENT", "not valid edXML: " + (errors.isEmpty() ? e.getMessage() : errors.get(0)));
            }
            return out.toByteArray();
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a document or a status message, refused with the schema's first complaint (line, column, reason). */
    public static <T> T read(byte[] xml, Class<T> type) throws Invalid {
        try {
            Unmarshaller u = CONTEXT.createUnmarshaller();
            u.setSchema(SCHEMA);
            List<String> errors = new ArrayList<>();
            u.setEventHandler(e -> errors.add(describe(e)) && false);
            Object o;
            try {
                o = u.unmarshal(new ByteArrayInputStream(xml));
            } catch (JAXBException e) {
                String why = !errors.isEmpty() ? errors.get(0)
                        : e.getLinkedException() != null ? e.getLinkedException().getMessage() : e.getMessage();
                throw new Invalid("INVALID_DOCUMENT", "not valid edXML: " + why);
            }
            if (!type.isInstance(o)) throw new Invalid("INVALID_DOCUMENT", "not an edXML " + type.getSimpleName() + " but " + o.getClass().getSimpleName());
            return type.cast(o);
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Validates an object tree (as received by CXF, or about to be sent) against the schema. */
    public static void validate(Object edXmlOrStatus) throws Invalid {
        List<String> errors = new ArrayList<>();
        try {
            var v = SCHEMA.newValidator();
            v.setErrorHandler(new ErrorHandler() {
                @Override public void warning(SAXParseException e) {}
                @Override public void error(SAXParseException e) { errors.add(e.getMessage()); }
                @Override public void fatalError(SAXParseException e) { errors.add(e.getMessage()); }
            });
            v.validate(new JAXBSource(CONTEXT, edXmlOrStatus));
        } catch (Exception e) {
            if (errors.isEmpty()) errors.add(e.getMessage());
        }
        if (!errors.isEmpty()) throw new Invalid("INVALID_DOCUMENT", "not valid edXML: " + errors.get(0));
    }

    private static String describe(ValidationEvent e) {
        var l = e.getLocator();
        return (l != null && l.getLineNumber() > 0 ? "line " + l.getLineNumber() + ", column " + l.getColumnNumber() + ": " : "") + e.getMessage();
    }
}
