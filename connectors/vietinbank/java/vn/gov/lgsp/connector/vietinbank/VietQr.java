package vn.gov.lgsp.connector.vietinbank;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * VietQR: the EMVCo merchant-presented QR payload used by Vietnamese banks (NAPAS 247). Tag-length-value with
 * two-digit tags and lengths, CRC16-CCITT-FALSE over everything before the CRC value (including "6304").
 */
public final class VietQr {
    private VietQr() {}

    public static final String NAPAS_GUID = "A000000727";
    public static final String SERVICE_TO_ACCOUNT = "QRIBFTTA";

    /** A dynamic (amount-bearing, one-off) QR to pay {@code amount} VND to the account, purpose = payment code. */
    public static String build(String bankBin, String account, long amount, String purpose) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive");
        String beneficiary = tlv("00", bankBin) + tlv("01", account);
        String merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT);
        String body = tlv("00", "01") + tlv("01", "12") + tlv("38", merchant) + tlv("53", "704")
                + tlv("54", Long.toString(amount)) + tlv("58", "VN") + tlv("62", tlv("08", purpose)) + "6304";
        return body + crcHex(body);
    }

    static String tlv(String tag, String value) {
        // EMVCo lengths count characters; the hub only puts ASCII in its QR so characters = bytes
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(value)) throw new IllegalArgumentException("non-ASCII value in tag " + tag);
        if (value.length() > 99) throw new IllegalArgumentException("tag " + tag + " value longer than 99");
        return tag + String.format("%02d", value.length()) + value;
    }

    /** CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final xor. */
    public static int crc16(byte[] data) {
        int crc = 0xFFFF;
        for (byte b : data) {
            crc ^= (b & 0xFF) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                crc &= 0xFFFF;
            }
        }
        return crc;
    }

    public static String crcHex(String text) {
        return String.format("%04X", crc16(text.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Parses one TLV level; throws if the structure is broken. */
    public static Map<String, String> parse(String payload) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < payload.length()) {
            if (i + 4 > payload.length()) throw new IllegalArgumentException("truncated TLV at " + i);
            String tag = payload.substring(i, i + 2);
            int len = Integer.parseInt(payload.substring(i + 2, i + 4));
            if (i + 4 + len > payload.length()) throw new IllegalArgumentException("tag " + tag + " overruns the payload");
            out.put(tag, payload.substring(i + 4, i + 4 + len));
            i += 4 + len;
        }
        return out;
    }

    /** True when the payload ends with tag 63 holding the CRC of everything before its value. */
    public static boolean crcValid(String payload) {
        if (payload.length() < 8 || !payload.startsWith("6304", payload.length() - 8)) return false;
        return crcHex(payload.substring(0, payload.length() - 4)).equalsIgnoreCase(payload.substring(payload.length() - 4));
    }
}
