package vn.gov.lgsp.connector.zalo;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.NumberFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class NotificationFactsTest {
    @Test
    void moneyIsWrittenTheVietnameseWayWithDotsBetweenThousands() {
        assertThat(NotificationFacts.money(0)).isEqualTo("0 đồng");
        assertThat(NotificationFacts.money(999)).isEqualTo("999 đồng");
        assertThat(NotificationFacts.money(75_000)).isEqualTo("75.000 đồng");
        assertThat(NotificationFacts.money(1_234_567)).isEqualTo("1.234.567 đồng");
        assertThat(NotificationFacts.money(-50_000)).isEqualTo("-50.000 đồng");
        // the same as the JDK's Vietnamese number format, for every length
        NumberFormat vi = NumberFormat.getIntegerInstance(Locale.forLanguageTag("vi-VN"));
        for (long v = 1; v < 1_000_000_000_000L; v = v * 10 + 7) {
            assertThat(NotificationFacts.money(v)).isEqualTo(vi.format(v) + " đồng");
        }
    }
}
