package vn.gov.lgsp.connector.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmsTextTest {
    @Test
    void diacriticsAreStrippedIncludingDStroke() {
        assertThat(SmsText.stripDiacritics("Đặng Thị Hồng Nhung, đường Lê Lợi, Quảng Ninh – ưởng ỹ"))
                .isEqualTo("Dang Thi Hong Nhung, duong Le Loi, Quang Ninh - uong y");
        // decomposed input (NFD, as some systems send) ends the same
        assertThat(SmsText.stripDiacritics(java.text.Normalizer.normalize("Nguyễn Đức", java.text.Normalizer.Form.NFD)))
                .isEqualTo("Nguyen Duc");
    }

    @Test
    void segmentsFollowGsm7Rules() {
        assertThat(SmsText.segments("a".repeat(160), false)).isEqualTo(1);
        assertThat(SmsText.segments("a".repeat(161), false)).isEqualTo(2);
        assertThat(SmsText.segments("a".repeat(306), false)).isEqualTo(2);
        assertThat(SmsText.segments("a".repeat(307), false)).isEqualTo(3);
        assertThat(SmsText.segments("{".repeat(81), false)).isEqualTo(2); // extension characters count two
        assertThat(SmsText.segments("ệ".repeat(71), true)).isEqualTo(2);
    }

    @Test
    void longFactsAreShortenedToKeepTheSegmentBudget() {
        String template = "TTHCC: Ho so {code} ({procedure}) cua {name} da duoc tiep nhan. Hen tra {dueDate}.";
        Map<String, String> facts = Map.of("code", "000.00.21.H45-261123-0001", "procedure", "Thủ tục rất dài ".repeat(30),
                "name", "Nguyễn Thị Hồng Nhung", "dueDate", "07/12/2026");
        String one = SmsText.compose(template, facts, false, 1, List.of("procedure", "name"));
        assertThat(SmsText.gsmLength(one)).isLessThanOrEqualTo(160);
        assertThat(one).startsWith("TTHCC: Ho so 000.00.21.H45-261123-0001 (Thu tuc rat dai").contains("..)")
                .endsWith("cua Nguyen Thi Hong Nhung da duoc tiep nhan. Hen tra 07/12/2026.");
        assertThat(one).matches("[\\x20-\\x7E]+");
        String two = SmsText.compose(template, facts, false, 2, List.of("procedure"));
        assertThat(SmsText.segments(two, false)).isEqualTo(2);
    }

    @Test
    void quietHoursSpanMidnightInVietnamTime() {
        SmsProperties p = new SmsProperties();
        SmsSender s = new SmsSender(p, null, null, null, null, java.time.Clock.systemUTC());
        ZoneId vn = ZoneId.of("Asia/Ho_Chi_Minh");
        Instant at2230 = ZonedDateTime.of(2026, 11, 23, 22, 30, 0, 0, vn).toInstant();
        assertThat(s.quiet(at2230)).isTrue();
        assertThat(s.quiet(ZonedDateTime.of(2026, 11, 24, 6, 59, 0, 0, vn).toInstant())).isTrue();
        assertThat(s.quiet(ZonedDateTime.of(2026, 11, 24, 7, 0, 0, 0, vn).toInstant())).isFalse();
        assertThat(s.quiet(ZonedDateTime.of(2026, 11, 24, 20, 59, 0, 0, vn).toInstant())).isFalse();
        assertThat(s.quietEnd(at2230).atZone(vn).toLocalDateTime())
                .isEqualTo(ZonedDateTime.of(2026, 11, 24, 7, 0, 0, 0, vn).toLocalDateTime());
        assertThat(LocalTime.of(7, 0)).isEqualTo(p.getQuietEnd());
    }
}
