package vn.gov.lgsp.connector.vnpost.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * One entry of VNPost's statusHistory: {statusCode, statusName, createdDate "dd/MM/yyyy", createHour "HH:mm[:ss]"}.
 * VNPost's times are Vietnam local time without an offset.
 */
public record StatusRecord(int statusCode, String statusName, OffsetDateTime at) {
    public static final ZoneOffset VN = ZoneOffset.ofHours(7);
    public static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    public static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm:ss");

    public static StatusRecord from(JsonNode n) {
        Integer code = VnpostJson.integer(n, "statusCode");
        if (code == null) throw new IllegalArgumentException("status record without statusCode");
        String date = VnpostJson.text(n, "createdDate");
        String hour = VnpostJson.text(n, "createHour");
        return new StatusRecord(code, VnpostJson.text(n, "statusName"), parse(date, hour));
    }

    static OffsetDateTime parse(String date, String hour) {
        if (date == null) throw new IllegalArgumentException("status record without createdDate");
        try {
            LocalDate d = LocalDate.parse(date.trim(), DATE);
            LocalTime t = hour == null || hour.isBlank() ? LocalTime.MIDNIGHT : LocalTime.parse(
                    hour.trim().length() == 5 ? hour.trim() + ":00" : hour.trim(), HOUR);
            return OffsetDateTime.of(d, t, VN);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("unreadable status time '" + date + " " + hour + "'", e);
        }
    }

    public String createdDate() {
        return at.format(DATE);
    }

    public String createHour() {
        return at.format(HOUR);
    }
}
