package vn.gov.lgsp.connector.vietinbank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VietinbankVietQrTest {
    /** Computed independently (a Python CRC-16/CCITT-FALSE and TLV writer), not by the code under test. */
    static final String VECTOR = "00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA"
            + "53037045405750005802VN62160812LG000100000163047460";

    @Test
    void crc16CcittFalseMatchesTheStandardCheckValue() {
        // the catalogue check value of CRC-16/CCITT-FALSE over "123456789"
        assertThat(VietQr.crc16("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x29B1);
        assertThat(VietQr.crc16(new byte[0])).isEqualTo(0xFFFF);
    }

    @Test
    void hubQrEqualsTheIndependentlyComputedVector() {
        assertThat(VietQr.build("970415", "113366668888", 75_000, "LG0001000001")).isEqualTo(VECTOR);
    }

    @Test
    void hubQrParsesBackToTheRightFieldsAndItsCrcChecks() {
        String qr = VietQr.build("970415", "113366668888", 1_250_000, "LG0000123456");
        assertThat(VietQr.crcValid(qr)).isTrue();
        Map<String, String> top = VietQr.parse(qr);
        assertThat(top).containsEntry("00", "01").containsEntry("01", "12").containsEntry("53", "704")
                .containsEntry("54", "1250000").containsEntry("58", "VN");
        Map<String, String> merchant = VietQr.parse(top.get("38"));
        assertThat(merchant).containsEntry("00", "A000000727").containsEntry("02", "QRIBFTTA");
        assertThat(VietQr.parse(merchant.get("01"))).containsEntry("00", "970415").containsEntry("01", "113366668888");
        assertThat(VietQr.parse(top.get("62"))).containsEntry("08", "LG0000123456");
        assertThat(top.get("63")).hasSize(4).isEqualTo(VietQr.crcHex(qr.substring(0, qr.length() - 4)));
        assertThat(top.keySet()).containsExactly("00", "01", "38", "53", "54", "58", "62", "63");
    }

    @Test
    void aCorruptedQrFailsItsCrc() {
        String qr = VietQr.build("970415", "113366668888", 75_000, "LG0001000001");
        String changedAmount = qr.replace("540575000", "540585000");
        assertThat(changedAmount).isNotEqualTo(qr);
        assertThat(VietQr.crcValid(changedAmount)).isFalse();
        assertThat(VietQr.crcValid(qr.substring(0, qr.length() - 4) + "0000")).isFalse();
    }

    @Test
    void amountsMustBePositiveIntegerVnd() {
        assertThatThrownBy(() -> VietQr.build("970415", "1", 0, "X")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VietQr.build("970415", "1", -5, "X")).isInstanceOf(IllegalArgumentException.class);
    }
}
