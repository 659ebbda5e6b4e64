package vn.gov.lgsp.hub.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void personalValuesAreRemovedNotMaskedAndBusinessValuesStay() {
        String event = "{\"eventType\":\"TAX_DECLARATION_SUBMITTED\",\"dossier\":{\"code\":\"000.00.21.H45-261123-0001\",\"status\":10,"
                + "\"applicant\":{\"fullName\":\"Nguyễn Thị Hồng Nhung\",\"citizenId\":\"022190001234\",\"phone\":\"0912345678\","
                + "\"address\":{\"street\":\"Số 12 đường Lê Lợi\",\"communeCode\":\"22768\"}},"
                + "\"handler\":{\"name\":\"Trần Văn Minh\",\"department\":\"Phòng Kinh tế\"},"
                + "\"fees\":[{\"code\":\"LPXD\",\"name\":\"Lệ phí cấp phép\",\"amount\":75000}]},"
                + "\"detail\":{\"parties\":[{\"role\":\"TRANSFEREE\",\"fullName\":\"Lê Văn An\",\"citizenId\":\"022085123456\"}],"
                + "\"step\":{\"note\":\"gọi 0987654321\",\"at\":\"2026-11-23T08:15:30+07:00\"},\"remark\":\"gọi 0987654321\"}}";
        String redacted = Redaction.json(event);
        assertThat(redacted).doesNotContain("Nguyễn Thị Hồng Nhung", "022190001234", "0912345678", "Lê Lợi", "Số 12", "Trần Văn Minh",
                "Lê Văn An", "022085123456", "0987654321");
        assertThat(redacted).contains("\"code\":\"000.00.21.H45-261123-0001\"", "\"status\":10", "\"amount\":75000",
                "\"name\":\"Lệ phí cấp phép\"", "\"role\":\"TRANSFEREE\"", "\"department\":\"Phòng Kinh tế\"", "\"fullName\":null",
                "2026-11-23T08:15:30+07:00", "gọi 098*****21");
    }

    @Test
    void textThatIsNotJsonIsReplacedWhole() {
        assertThat(Redaction.json("<soap>Nguyễn Thị Hồng Nhung 0912345678</soap>")).isEqualTo(Redaction.PURGED);
        assertThat(Redaction.json("\"a bare string\"")).isEqualTo(Redaction.PURGED);
        assertThat(Redaction.json(null)).isNull();
    }
}
