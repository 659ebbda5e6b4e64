package vn.gov.lgsp.connector.zalo;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;

class ZaloTextLimitsTest {
    @Test
    void longNamesAreCutAtAWordWithinTheLimit() {
        String name = "Nguyễn Thị Hồng Nhung Phương Thảo Ánh";
        String cut = TextLimits.truncate(name, 30);
        assertThat(cut).isEqualTo("Nguyễn Thị Hồng Nhung Phương");
        assertThat(cut.length()).isLessThanOrEqualTo(30);
    }

    @Test
    void decomposedTextIsNeverCutBetweenALetterAndItsMarks() {
        String nfd = Normalizer.normalize("Ệệệệệệệệệệ", Normalizer.Form.NFD); // 30 UTF-16 units decomposed
        String cut = TextLimits.truncate(nfd, 4);
        assertThat(cut).isEqualTo("Ệệệệ");
        assertThat(Normalizer.isNormalized(cut, Normalizer.Form.NFC)).isTrue();
    }

    @Test
    void surrogatePairsStayWhole() {
        String s = "ab😀😀";
        assertThat(TextLimits.truncate(s, 3)).isEqualTo("ab");
    }

    @Test
    void webhookSignatureIsSha256OfAppIdBodyTimestampSecret() throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest("app{}1secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(ZaloWebhookServlet.sign("app", "{}", "1", "secret")).isEqualTo(java.util.HexFormat.of().formatHex(d));
    }
}
