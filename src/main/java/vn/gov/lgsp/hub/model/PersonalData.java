package vn.gov.lgsp.hub.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Masks personal data (citizen ID, phone, address) in free text and in JSON documents.
 * Logs, the audit log and what operators see pass through here.
 */
public final class PersonalData {
    private PersonalData() {}

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Mobile numbers in any of their written forms, then 12- and 9-digit identity numbers (not decimal fractions, and
     * not the last group of a UUID: one UUID in 280 has twelve decimal digits there, and event, update and
     * correlation ids must stay whole in the masked copies an auditor searches).
     */
    private static final Pattern PHONE = Pattern.compile("(?<![0-9A-Za-z.])(?:\\+?84|0)([35789]\\d)\\d{5}(\\d{2})(?![0-9A-Za-z])");
    private static final Pattern ID12 = Pattern.compile("(?<![0-9A-Za-z.])(?<![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-)(\\d{3})\\d{6}(\\d{3})(?![0-9A-Za-z])");
    private static final Pattern ID9 = Pattern.compile("(?<![0-9A-Za-z.])(\\d{2})\\d{5}(\\d{2})(?![0-9A-Za-z])");

    /** Field names (lower-case, any partner's spelling) whose whole value is personal. */
    private static final Set<String> ADDRESS_FIELDS = Set.of(
            "street", "address", "pickupaddress", "senderaddress", "receiveraddress", "diachi", "email");
    private static final Set<String> ID_FIELDS = Set.of("citizenid", "cccd", "socmnd", "socccd", "idnumber");
    /** A person's name (Decree 13/2023: basic personal data): the applicant, the parties, a parcel's receiver or sender. */
    private static final Set<String> NAME_FIELDS = Set.of("fullname", "hoten", "chuhoso", "receivername", "sendername",
            "applicantname", "tennguoinhan", "tennguoigui", "customer_name");
    private static final Set<String> PHONE_FIELDS = Set.of(
            "phone", "sodienthoai", "senderphone", "receiverphone", "phonenumber", "recipientphone");

    /** Masks every identity or phone number found in free text: 022190001234 -> 022******234. */
    public static String maskText(String text) {
        // a NUL character cannot be stored in a PostgreSQL text column: the masked copy (what is stored and logged
        // of input that is not JSON) shows it as U+FFFD, so recording such input cannot fail
        if (text != null && text.indexOf('\u0000') >= 0) text = text.replace('\u0000', '\uFFFD');
        if (text == null || !hasNineDigitRun(text)) return text;
        String out = PHONE.matcher(text).replaceAll("0$1*****$2");
        out = ID12.matcher(out).replaceAll("$1******$2");
        return ID9.matcher(out).replaceAll("$1*****$2");
    }

    /**
     * Every pattern above needs 9 digits in a row, not preceded by a letter or a dot (so not the fraction of a
     * timestamp): most text has none, and is spared the regular expressions.
     */
    private static boolean hasNineDigitRun(String text) {
        int run = 0;
        boolean countable = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (run++ == 0) {
                    char before = i == 0 ? ' ' : text.charAt(i - 1);
                    countable = before != '.' && !Character.isLetter(before);
                }
                if (run == 9 && countable) return true;
            } else {
                run = 0;
            }
        }
        return false;
    }

    public static String maskPhone(String phone) {
        if (phone == null || phone.length() < 6) return phone == null ? null : "***";
        return phone.substring(0, 3) + "*".repeat(phone.length() - 5) + phone.substring(phone.length() - 2);
    }

    public static String maskId(String id) {
        if (id == null || id.length() < 7) return id == null ? null : "***";
        return id.substring(0, 3) + "*".repeat(id.length() - 6) + id.substring(id.length() - 3);
    }

    /**
     * A name keeps its family name and the initials of the others ("Nguyễn Thị Hồng Nhung" -> "Nguyễn T. H. N."):
     * enough for an operator to tell two applicants of a dossier apart, not to know who they are.
     */
    public static String maskName(String name) {
        if (name == null || name.isBlank()) return name;
        // one pass over the characters: a split on a regular expression compiled it anew for every name masked, a
        // visible share of masking the audited payloads flat out (bench/PROFILING.md, "A thirty-first look")
        StringBuilder masked = new StringBuilder(name.length());
        int n = name.length(), i = 0, words = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(name.charAt(i))) i++;
            if (i == n) break;
            int start = i;
            while (i < n && !Character.isWhitespace(name.charAt(i))) i++;
            if (words++ == 0) {
                masked.append(name, start, i); // the family name, whole
            } else {
                masked.append(' ').appendCodePoint(name.codePointAt(start)).append('.');
            }
        }
        return masked.toString();
    }

    /** A street address keeps only its first word ("Số ***"), enough to recognise, not to locate. */
    public static String maskAddress(String address) {
        if (address == null || address.isBlank()) return address;
        int space = address.indexOf(' ');
        return (space > 0 ? address.substring(0, space) : "") + " ***";
    }

    /**
     * A copy of the JSON text with personal fields masked; text that is not a JSON object or array is masked as
     * free text. Streamed token by token (no tree): every audited payload passes through here.
     */
    public static String maskJson(String json) {
        if (json == null) return null;
        return nothingToMask(json) ? json : maskParsed(json);
    }

    /**
     * {@link #maskJson} the long way: the text read token by token through the parser, whatever it holds, and copied
     * as it came but for the values masking changes, each written anew in their place. Only those values are
     * written: re-writing every token through a generator cost as much as the parsing (bench/PROFILING.md, "A
     * thirty-second look"), and the copy keeps the layout of what was exchanged.
     */
    static String maskParsed(String json) {
        StringBuilder out = null; // made at the first value masked: a text with none is its own copy
        int copiedTo = 0; // the source is copied up to here
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) return maskBroken(json);
            int depth = 0;
            for (JsonToken t = first; t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    // a value's field name; null inside arrays, whose texts are masked as free text
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        String masked = maskedValue(p, t);
                        if (masked == null) break;
                        // the token's place in the source: from its opening quote (or first digit) to just after it
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        int end = (int) p.currentLocation().getCharOffset();
                        if (out == null) out = new StringBuilder(json.length());
                        out.append(json, copiedTo, start).append('"');
                        JsonStringEncoder.getInstance().quoteAsString(masked, out);
                        out.append('"');
                        copiedTo = end;
                    }
                    default -> { }
                }
                if (depth == 0) break;
            }
            if (depth != 0 || p.nextToken() != null) return maskBroken(json); // cut short, or more than one document
        } catch (java.io.IOException notJson) {
            return maskBroken(json);
        }
        return out == null ? json : out.append(json, copiedTo, json.length()).toString();
    }

    /** A field's name and the opening quote of its string value, in text that is not whole JSON: "fullName": " */
    private static final Pattern FIELD_IN_TEXT = Pattern.compile("\"([A-Za-z_]{2,40})\"\\s*:\\s*\"");

    /**
     * Text given as JSON that is not whole JSON (cut short, broken, a bare value): masked as free text, and first every
     * value it still shows under a personal field's name ("fullName": "...", even without its closing quote), so that
     * a name or a street address in a rejected input is not shown in clear where the same input whole would be masked.
     * The values are masked as written (escapes and all): the copy is text, not JSON.
     */
    static String maskBroken(String text) {
        if (text.indexOf('"') < 0) return maskText(text);
        java.util.regex.Matcher m = FIELD_IN_TEXT.matcher(text);
        StringBuilder out = null;
        int copiedTo = 0;
        while (m.find()) {
            if (kindOf(m.group(1)) == Kind.TEXT) continue;
            int valueEnd = m.end(); // the closing quote not escaped, or the end of the text (cut short)
            while (valueEnd < text.length() && text.charAt(valueEnd) != '"') valueEnd += text.charAt(valueEnd) == '\\' ? 2 : 1;
            valueEnd = Math.min(valueEnd, text.length());
            if (out == null) out = new StringBuilder(text.length());
            out.append(text, copiedTo, m.end()).append(maskValue(m.group(1), text.substring(m.end(), valueEnd)));
            copiedTo = valueEnd;
            m.region(valueEnd, text.length());
        }
        return maskText(out == null ? text : out.append(text, copiedTo, text.length()).toString());
    }

    /**
     * The masked text of the parser's current value, or null when masking leaves it as it is. A number under a
     * personal field's name (a phone or an identity number sent unquoted) is masked as that field's text, and
     * stored as a string; any other number is a number (an amount, a count) and stays one.
     */
    private static String maskedValue(JsonParser p, JsonToken t) throws java.io.IOException {
        String field = p.currentName();
        if (t != JsonToken.VALUE_STRING && kindOf(field) == Kind.TEXT) return null;
        String value = p.getText();
        String masked = maskValue(field, value);
        return masked.equals(value) && t == JsonToken.VALUE_STRING ? null : masked;
    }

    /**
     * True when masking could not change the text, told from one pass over its characters: no nine-digit run (the
     * free-text patterns), no field name of a personal kind ({@link #kindOf}) and nothing that would make the parser
     * see other characters than the pass does (a backslash: a field name may spell a letter of "citizenId" as an
     * escape; a NUL). Such a text is its own masked copy, exactly as it came (the updates the hub publishes, most
     * of them), spared the parser and the writer (bench/PROFILING.md, "A sixteenth look").
     */
    static boolean nothingToMask(String json) {
        if (json.indexOf('\\') >= 0 || json.indexOf('\u0000') >= 0 || hasNineDigitRun(json)) return false;
        int n = json.length();
        for (int i = 0; i < n; i++) {
            if (json.charAt(i) != '"') continue;
            int end = json.indexOf('"', i + 1); // no escapes: the next quote ends the string
            if (end < 0) return true; // not JSON: masked as free text, which (no run, no NUL) leaves it as it is
            int next = end + 1;
            while (next < n && Character.isWhitespace(json.charAt(next))) next++;
            // a string followed by a colon is a field name
            if (next < n && json.charAt(next) == ':' && kindOf(json.substring(i + 1, end)) != Kind.TEXT) return false;
            i = end;
        }
        return true;
    }

    private enum Kind { ID, PHONE, ADDRESS, NAME, TEXT }

    /** Field name (as spelled) -> what its value is; partners use few names, so this stays small. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Kind> KINDS = new java.util.concurrent.ConcurrentHashMap<>();

    /** What a field's value is, by the field's name (null: an array's element, free text). */
    private static Kind kindOf(String field) {
        Kind kind = field == null ? Kind.TEXT : KINDS.get(field);
        if (kind == null) {
            String key = field.toLowerCase(Locale.ROOT);
            kind = ID_FIELDS.contains(key) ? Kind.ID : PHONE_FIELDS.contains(key) ? Kind.PHONE
                    : ADDRESS_FIELDS.contains(key) ? Kind.ADDRESS : NAME_FIELDS.contains(key) ? Kind.NAME : Kind.TEXT;
            if (KINDS.size() < 4096) KINDS.put(field, kind); // bounded: a payload may use data as keys
        }
        return kind;
    }

    private static String maskValue(String field, String value) {
        return switch (kindOf(field)) {
            case ID -> maskId(value);
            case PHONE -> maskPhone(value);
            case ADDRESS -> maskAddress(value);
            case NAME -> maskText(maskName(value));
            case TEXT -> maskText(value);
        };
    }
}
