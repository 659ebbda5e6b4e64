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
    void aUuidWhoseLastGroupIsAllDigitsStaysWholeButAnIdAfterAHyphenIsMasked() {
        String uuid = "3f2b9c1d-7e4a-4b1f-9c2d-251123456789";
        assertThat(PersonalData.maskText("event " + uuid)).isEqualTo("event " + uuid);
        assertThat(PersonalData.maskJson("{\"eventId\":\"" + uuid + "\",\"note\":\"CCCD-022190001234\"}"))
                .contains(uuid).doesNotContain("022190001234").contains("CCCD-022******234");
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
    void aNameKeepsItsFamilyNameAndTheInitialsOfTheOthersHoweverItIsSpaced() {
        assertThat(PersonalData.maskName("Nguyễn Thị Hồng Nhung")).isEqualTo("Nguyễn T. H. N.");
        assertThat(PersonalData.maskName("  Trần\tVăn \n  Ánh  ")).isEqualTo("Trần V. Á.");
        assertThat(PersonalData.maskName("Lê")).isEqualTo("Lê");
        // an initial outside the basic plane stays one whole character, not half of a surrogate pair
        assertThat(PersonalData.maskName("Phạm 𠀋ương")).isEqualTo("Phạm 𠀋.");
        assertThat(PersonalData.maskName("   ")).isEqualTo("   ");
        assertThat(PersonalData.maskName(null)).isNull();
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

    @Test
    void theMaskedCopyKeepsTheLayoutOfWhatCameAndRewritesOnlyTheMaskedValues() throws Exception {
        assertThat(PersonalData.maskJson("{ \"phone\" : \"0912345678\",\n  \"note\": \"gọi \\\"sớm\\\"\", \"n\": 1.50 }"))
                .isEqualTo("{ \"phone\" : \"091*****78\",\n  \"note\": \"gọi \\\"sớm\\\"\", \"n\": 1.50 }");
        // a masked value is written as JSON: a quote or a backslash in it is escaped, the copy stays one document
        String masked = PersonalData.maskJson("{\"fullName\":\"Trần \\\"Tí\\\" \\\\Văn\",\"k\":[\"x\"]}");
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(masked);
        assertThat(tree.get("fullName").asText()).isEqualTo(PersonalData.maskName("Trần \"Tí\" \\Văn")).isEqualTo("Trần \". \\.");
        assertThat(tree.get("k").get(0).asText()).isEqualTo("x");
    }

    @Test
    void aPhoneOrIdSentAsANumberIsMaskedButOtherNumbersStayNumbers() {
        assertThat(PersonalData.maskJson("{\"phone\":912345678,\"citizenId\":22190001234,\"amount\":123456789,\"fee\":-1.5e3}"))
                .isEqualTo("{\"phone\":\"912****78\",\"citizenId\":\"221*****234\",\"amount\":123456789,\"fee\":-1.5e3}");
    }

    @Test
    void aLongDocumentIsMaskedToItsEnd() {
        // past the parser's in-memory limit it reads through a Reader: the places it reports are still the text's
        String pad = "ệ".repeat(40_000);
        String masked = PersonalData.maskJson("{\"pad\":\"" + pad + "\",\"receiverPhone\":\"0912345678\"}");
        assertThat(masked).isEqualTo("{\"pad\":\"" + pad + "\",\"receiverPhone\":\"091*****78\"}");
    }

    @Test
    void jsonCutShortOrBrokenHasItsPersonalFieldsMaskedAsTheWholeWouldHave() {
        String whole = "{\"applicant\":{\"fullName\":\"Nguyễn Thị Hồng Nhung\",\"citizenId\":\"022190001234\",\"phone\":\"0912345678\","
                + "\"address\":{\"street\":\"Số 12 đường Lê Lợi\",\"communeName\":\"Phường Hồng Gai\"}}}";
        // cut inside the street's value (no closing quote), and broken by a missing comma further on
        String cut = whole.substring(0, whole.indexOf("Lê Lợi") + 6);
        String broken = whole.replace("\",\"communeName", "\" \"communeName");
        for (String input : java.util.List.of(cut, broken)) {
            String masked = PersonalData.maskJson(input);
            assertThat(masked).as(input).doesNotContain("Hồng Nhung", "Lê Lợi", "022190001234", "0912345678")
                    .contains("\"fullName\":\"Nguyễn T. H. N.\"", "\"street\":\"Số ***");
        }
        assertThat(PersonalData.maskJson(broken)).contains("Phường Hồng Gai"); // what is not personal stays
        // a bare value and text without a quote are free text, as before
        assertThat(PersonalData.maskJson("\"022190001234\"")).isEqualTo("\"022******234\"");
        assertThat(PersonalData.maskJson("fullName: Nguyễn Văn An")).isEqualTo("fullName: Nguyễn Văn An");
    }

    @Test
    void aBrokenDocumentWithAHugeEscapedValueIsMaskedWithoutExhaustingTheStack() {
        // a regular expression over the value would recurse per character on some inputs: the value is scanned
        String masked = PersonalData.maskJson("{\"fullName\":\"Nguyễn " + "\\\"".repeat(300_000));
        assertThat(masked).startsWith("{\"fullName\":\"Nguyễn ").hasSizeLessThan(100);
    }

    @Test
    void aTextWithNothingPersonalIsItsOwnMaskedCopyAsItCame() {
        String answer = "{\"status\": \"OK\",\n  \"records\": [{\"eventId\": \"e-1\", \"n\": 1.50}]}";
        assertThat(PersonalData.maskJson(answer)).isSameAs(answer);
    }

    @Test
    void aPersonalFieldIsFoundHoweverItsNameIsWritten() {
        // spaces before the colon, another letter case, a letter written as an escape
        assertThat(PersonalData.maskJson("{\"Address\" : \"Số 5 Trần Hưng Đạo\"}")).doesNotContain("Trần Hưng Đạo");
        assertThat(PersonalData.maskJson("{\"\\u0063itizenId\":\"0221 9000 1234\"}")).doesNotContain("0221 9000 1234");
        assertThat(PersonalData.maskJson("{\"note\":\"x\\u0000\",\"fullName\":\"Nguyễn Thị Hồng Nhung\"}")).doesNotContain("Hồng Nhung");
        // a value that merely reads like a personal field's name is not one
        String value = "{\"kind\":\"phone\"}";
        assertThat(PersonalData.maskJson(value)).isSameAs(value);
    }

    /**
     * The shortcut's premise: whenever it leaves a text as it came, masking it the long way (parsed, token by token)
     * leaves it as it came too.
     */
    @Test
    void theShortcutLeavesAloneOnlyWhatMaskingWouldNotChange() {
        String[] texts = {
                "{\"status\":\"OK\"}", "{\"a\" :\t[1, 2.5e3, true, null, {\"b\": \"phone\"}]}", "[\"x\", \"y\"]",
                "{\"time\":\"2026-11-23T17:01:21.099541994+07:00\",\"code\":\"EL348784938VN\"}",
                "{\"phone\":\"0912345678\"}", "{\"msg\":\"gọi 0987654321\"}", "{\"street\":\"Số 1\"}",
                "{\"hoTen\":\"Lê Văn A\"}", "{\"SOCCCD\": \"x\"}", "not json at all", "<xml>12</xml>", "{\"open\": ",
                "\"just a string\"", "{} trailing", "{\"k\":\"v\"} {\"k\":\"w\"}", "{\"email\":\"a@b.vn\"}",
                "{\"nested\":{\"deeper\":{\"receiverPhone\":\"09\"}}}", "{\"k\":\"12345678\"}", "{\"k\":\"v1.123456789\"}"};
        int leftAlone = 0;
        for (String text : texts) {
            if (!PersonalData.nothingToMask(text)) continue;
            leftAlone++;
            String parsed = PersonalData.maskParsed(text);
            // the long way copies the text and rewrites only the values it masks: here none, not even the layout
            assertThat(parsed).as(text).isEqualTo(text);
        }
        assertThat(leftAlone).isEqualTo(12); // all but the seven with something personal
        // and what it does not leave alone is what masking changes
        for (String personal : new String[] {"{\"phone\":\"0912345678\"}", "{\"msg\":\"gọi 0987654321\"}",
                "{\"street\":\"Số 1 Lê Lợi\"}", "{\"hoTen\":\"Lê Văn A\"}"}) {
            assertThat(PersonalData.nothingToMask(personal)).as(personal).isFalse();
            assertThat(PersonalData.maskJson(personal)).as(personal).isNotEqualTo(personal);
        }
    }
}
