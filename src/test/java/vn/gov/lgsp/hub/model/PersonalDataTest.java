package vn.gov.lgsp.hub.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PersonalDataTest {
    @Test
    void freeTextLosesIdsAndPhones() {
        String masked = PersonalData.maskText("CCCD 022190001234, tel 0912345678 / 84987654321, CMND 123456789");
        assertThat(masked).doesNotContain("022190001234", "0912345678", "84987654321", "123456789")
                .contains("022******234", "091*****78");
    }

    @Test
    void numbersAtTheStartOfTextOrAfterPunctuationAreMaskedButTimestampFractionsAreNot() {
        assertThat(PersonalData.maskText("022190001234")).isEqualTo("022******234");
        assertThat(PersonalData.maskText("+84912345678")).doesNotContain("912345678");
        assertThat(PersonalData.maskText("số:0912345678.")).doesNotContain("0912345678");
        String time = "2026-11-23T17:01:21.099541994+07:00";
        assertThat(PersonalData.maskText(time)).isEqualTo(time);
        assertThat(PersonalData.maskText("EL348784938VN")).isEqualTo("EL348784938VN");
    }

    @Test
    void jsonFieldsAreMaskedByName() {
        String masked = PersonalData.maskJson("{\"applicant\":{\"fullName\":\"Nguyễn Thị Hồng Nhung\",\"citizenId\":\"022190001234\","
                + "\"phone\":\"0912345678\",\"address\":{\"street\":\"Số 12 đường Lê Lợi\",\"communeName\":\"Phường Hồng Gai\"}},"
                + "\"SoDienThoai\":\"0912345678\",\"receiverAddress\":\"Số 5 Trần Hưng Đạo\"}");
        assertThat(masked).doesNotContain("022190001234", "0912345678", "Lê Lợi", "Trần Hưng Đạo", "Hồng Nhung")
                .contains("\"Nguyễn T. H. N.\"", "Phường Hồng Gai", "\"Số ***\"");
    }

    @Test
    void anSmsWorkBodysApplicantNameIsMaskedAsAName() {
        String masked = PersonalData.maskJson("{\"phone\":\"0912345678\",\"facts\":{\"applicantName\":\"Nguyễn Thị Hồng Nhung\","
                + "\"procedure\":\"Cấp giấy phép xây dựng\"}}");
        assertThat(masked).doesNotContain("Hồng Nhung").doesNotContain("0912345678").contains("Cấp giấy phép xây dựng");
    }

    @Test
    void textThatIsNotJsonIsStillMasked() {
        assertThat(PersonalData.maskJson("<sms><phone>0912345678</phone></sms>")).doesNotContain("0912345678");
    }

    @Test
    void arrayTextsScalarDocumentsAndTrailingTextAreMaskedToo() {
        assertThat(PersonalData.maskJson("{\"data\":[{\"SoDienThoai\":\"0912345678\"},\"gọi 0987654321\"],\"n\":1.5}"))
                .isEqualTo("{\"data\":[{\"SoDienThoai\":\"091*****78\"},\"gọi 098*****21\"],\"n\":1.5}");
        // a bare number or string, or a document followed by more text, is not a JSON object: masked as free text
        assertThat(PersonalData.maskJson("022190001234")).isEqualTo("022******234");
        assertThat(PersonalData.maskJson("{} 0912345678")).doesNotContain("0912345678");
    }
}
