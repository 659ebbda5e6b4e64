package vn.gov.lgsp.connector.sms;

import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMS content: Vietnamese without diacritics ("khong dau") in the GSM-7 alphabet, within a segment budget.
 * One GSM-7 segment holds 160 characters, 153 each when a message is split; characters of the GSM extension
 * table (^ { } \ [ ] ~ | €) take two. UCS-2 (unicode): 70, and 67 when split.
 */
public final class SmsText {
    private SmsText() {}

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM_EXT = "^{}\\[~]|€";

    /** "Đặng Thị Hồng Nhung" -> "Dang Thi Hong Nhung"; anything outside GSM-7 becomes a close ASCII or is dropped. */
    public static String stripDiacritics(String text) {
        if (text == null) return "";
        String s = text.replace('đ', 'd').replace('Đ', 'D');
        s = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (GSM_BASIC.indexOf(c) >= 0 || GSM_EXT.indexOf(c) >= 0) out.append(c);
            else if (c == '–' || c == '—') out.append('-');
            else if (c == '‘' || c == '’') out.append('\'');
            else if (c == '“' || c == '”') out.append('"');
            else if (c == '…') out.append("...");
            else if (Character.isWhitespace(c)) out.append(' ');
            // other characters (emoji, symbols) have no place in a brandname SMS
        }
        return out.toString();
    }

    /** Length in GSM-7 septets (extension characters count two). */
    public static int gsmLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) n += GSM_EXT.indexOf(s.charAt(i)) >= 0 ? 2 : 1;
        return n;
    }

    public static int segments(String s, boolean unicode) {
        int len = unicode ? s.length() : gsmLength(s);
        int single = unicode ? 70 : 160;
        int multi = unicode ? 67 : 153;
        if (len <= single) return 1;
        return (len + multi - 1) / multi;
    }

    /** The most characters that fit in {@code maxSegments}. */
    public static int budget(int maxSegments, boolean unicode) {
        if (maxSegments <= 1) return unicode ? 70 : 160;
        return maxSegments * (unicode ? 67 : 153);
    }

    /**
     * Renders the template and fits it into the budget: the facts named in {@code shrink} are cut first (in that
     * order, each down to 12 characters at least, ending in ".."), then the text itself is cut at a word.
     */
    public static String compose(String template, Map<String, String> facts, boolean unicode, int maxSegments, List<String> shrink) {
        Map<String, String> f = new LinkedHashMap<>();
        facts.forEach((k, v) -> f.put(k, unicode ? Normalizer.normalize(v, Normalizer.Form.NFC) : stripDiacritics(v)));
        String tpl = unicode ? template : stripDiacritics(template);
        int budget = budget(maxSegments, unicode);
        String text = render(tpl, f);
        for (String name : shrink) {
            int over = length(text, unicode) - budget;
            if (over <= 0) break;
            String v = f.get(name);
            if (v == null || v.length() <= 12 || !tpl.contains("{" + name + "}")) continue;
            int keep = Math.max(12, v.length() - over - 2);
            f.put(name, cutAtWord(v, keep) + "..");
            text = render(tpl, f);
        }
        while (length(text, unicode) > budget) {
            text = cutAtWord(text, text.length() - Math.max(1, length(text, unicode) - budget));
        }
        return text;
    }

    private static int length(String s, boolean unicode) {
        return unicode ? s.length() : gsmLength(s);
    }

    private static String cutAtWord(String s, int max) {
        if (s.length() <= max) return s;
        int space = s.lastIndexOf(' ', max);
        int cut = space >= max / 2 ? space : max;
        if (cut > 0 && Character.isHighSurrogate(s.charAt(cut - 1))) cut--;
        return s.substring(0, cut).strip();
    }

    static String render(String template, Map<String, String> facts) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = facts.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(sb);
        return sb.toString().replaceAll(" {2,}", " ").strip();
    }
}
