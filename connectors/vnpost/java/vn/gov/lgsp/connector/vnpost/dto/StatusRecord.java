package vn.gov.lgsp.connector.vnpost.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * One entry of VNPost's statusHistory: {statusCode, statusName, createdDate "dd/MM/yyyy", createHour "H:mm[:ss]"}.
 * VNPost's times are Vietnam local time without an offset.
 */
public record StatusRecord(int statusCode, String statusName, OffsetDateTime at) {
    public static final ZoneOffset VN = ZoneOffset.ofHours(7);
    public static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    public static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** What VNPost sends: hours with or without a leading zero ("9:05"), seconds optional. */
    private static final DateTimeFormatter HOUR_READ = DateTimeFormatter.ofPattern("H:mm[:ss]");
    /** vnpost_status.status_name is VARCHAR(200). */
    public static final int NAME_MAX = 200;

    public static StatusRecord from(JsonNode n) {
        Integer code = VnpostJson.integer(n, "statusCode");
        if (code == null) throw new IllegalArgumentException("status record without statusCode");
        String date = VnpostJson.text(n, "createdDate");
        String hour = VnpostJson.text(n, "createHour");
        return new StatusRecord(code, VnpostJson.text(n, "statusName"), parse(date, hour));
    }

    static OffsetDateTime parse(String date, String hour) {
        if (date == null || date.isBlank()) throw new IllegalArgumentException("status record without createdDate");
        try {
            LocalDate d = LocalDate.parse(date.trim(), DATE);
            // "yyyy" takes any number of digits; a year PostgreSQL cannot store would fail the whole poll round
            if (d.getYear() < 1970 || d.getYear() > 9999) throw new IllegalArgumentException("status date out of range '" + date + "'");
            LocalTime t = hour == null || hour.isBlank() ? LocalTime.MIDNIGHT : LocalTime.parse(hour.trim(), HOUR_READ);
            return OffsetDateTime.of(d, t, VN);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("unreadable status time '" + date + " " + hour + "'", e);
        }
    }

    /** True when the name does not fit the hub's column (a push with it is refused; a polled one is cut). */
    public boolean nameTooLong() {
        return statusName != null && statusName.length() > NAME_MAX;
    }

    /** This record with its name cut to what the hub stores: a polled record must not fail the round over a label. */
    public StatusRecord fitted() {
        return nameTooLong() ? new StatusRecord(statusCode, statusName.substring(0, NAME_MAX), at) : this;
    }

    public String createdDate() {
        return at.format(DATE);
    }

    public String createHour() {
        return at.format(HOUR);
    }
}
