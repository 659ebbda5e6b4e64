package vn.gov.lgsp.hub.model;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vietnamese identifiers the hub validates and normalises (see connectors/onestop/README.md).
 * Each check returns an error text, or empty when the value is valid.
 */
public final class Identifiers {
    private Identifiers() {}

    /** Agency code (QCVN 102:2016): dotted levels such as 000.00.21.H45, G09.20. */
    public static final Pattern AGENCY = Pattern.compile("(?:[0-9A-Z]{2,3}\\.){1,3}[0-9A-Z]{2,3}");
    /** Dossier code: agency + yyMMdd + 4 digits (Circular 01/2018) or agency + yyyyMMdd + 7 digits (national portal). */
    private static final Pattern DOSSIER = Pattern.compile("(" + AGENCY.pattern() + ")-(\\d{6}|\\d{8})-(\\d{4}|\\d{7})");
    public static final Pattern PROCEDURE = Pattern.compile("\\d\\.\\d{6}");
    private static final Pattern CITIZEN_ID = Pattern.compile("\\d{12}");
    private static final Pattern OLD_ID = Pattern.compile("\\d{9}");
    private static final Pattern PHONE = Pattern.compile("(?:0|84|\\+84)([35789]\\d{8})");
    private static final Pattern PHONE_SEPARATORS = Pattern.compile("[\\s.-]");

    /** Province codes used in the first three digits of a citizen ID (Circular 59/2021/TT-BCA). */
    private static final Set<Integer> CITIZEN_ID_PROVINCES = Set.of(
            1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38,
            40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80,
            82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96);

    public static Optional<String> checkDossierCode(String code) {
        if (code == null) return Optional.of("is required");
        Matcher m = DOSSIER.matcher(code);
        if (!m.matches()) {
            return Optional.of("must be <agency>-<yyMMdd>-<4 digits> or <agency>-<yyyyMMdd>-<7 digits>, got '" + code + "'");
        }
        String date = m.group(2);
        String seq = m.group(3);
        boolean shortForm = date.length() == 6;
        if (shortForm != (seq.length() == 4)) {
            return Optional.of("mixes the two dossier code forms (date " + date.length() + " digits, sequence " + seq.length() + " digits)");
        }
        try {
            int year = shortForm ? 2000 + Integer.parseInt(date.substring(0, 2)) : Integer.parseInt(date.substring(0, 4));
            int off = shortForm ? 2 : 4;
            LocalDate.of(year, Integer.parseInt(date.substring(off, off + 2)), Integer.parseInt(date.substring(off + 2, off + 4)));
        } catch (DateTimeException e) {
            return Optional.of("holds an impossible date '" + date + "'");
        }
        return Optional.empty();
    }

    /**
     * A 12-digit citizen ID (CCCD): province (3) + century/gender (1) + birth year (2) + serial (6), no checksum;
     * or the old 9-digit ID (CMND).
     */
    public static Optional<String> checkCitizenId(String id) {
        if (id == null) return Optional.of("is required");
        if (OLD_ID.matcher(id).matches()) return Optional.empty();
        if (!CITIZEN_ID.matcher(id).matches()) return Optional.of("must be 12 digits (or a 9-digit old ID)");
        int province = Integer.parseInt(id.substring(0, 3));
        if (!CITIZEN_ID_PROVINCES.contains(province)) {
            return Optional.of("starts with " + id.substring(0, 3) + ", which is not a province code");
        }
        int birthYear = citizenBirthYear(id);
        if (birthYear > LocalDate.now().getYear() || birthYear < 1900) {
            return Optional.of("encodes an impossible birth year " + birthYear);
        }
        return Optional.empty();
    }

    /** Birth year = 1900 + 100 * floor(G/2) + YY, where G is the 4th digit. */
    public static int citizenBirthYear(String id) {
        int g = id.charAt(3) - '0';
        return 1900 + 100 * (g / 2) + Integer.parseInt(id.substring(4, 6));
    }

    public static Optional<String> checkPhone(String phone) {
        if (phone == null) return Optional.of("is required");
        return PHONE.matcher(compact(phone)).matches() ? Optional.empty()
                : Optional.of("must be a Vietnamese mobile number (0xxxxxxxxx or 84xxxxxxxxx)");
    }

    /** 0912345678, 84912345678 or +84 912 345 678 -> 0912345678. */
    public static String localPhone(String phone) {
        Matcher m = PHONE.matcher(compact(phone));
        if (!m.matches()) throw new IllegalArgumentException("not a Vietnamese mobile number");
        return "0" + m.group(1);
    }

    /** 0912345678 -> 84912345678 (the form Zalo and SMS gateways expect). */
    public static String internationalPhone(String phone) {
        return "84" + localPhone(phone).substring(1);
    }

    private static String compact(String phone) {
        return PHONE_SEPARATORS.matcher(phone).replaceAll("");
    }
}
