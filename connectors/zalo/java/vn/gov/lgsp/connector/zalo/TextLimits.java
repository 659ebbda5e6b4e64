package vn.gov.lgsp.connector.zalo;

import java.text.BreakIterator;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Template rendering and ZNS parameter limits. */
public final class TextLimits {
    private TextLimits() {}

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    /** Replaces {fact} placeholders; an unknown fact renders empty rather than leaking the placeholder. */
    public static String render(String template, Map<String, String> facts) {
        if (template == null) return "";
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = facts.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(sb);
        return sb.toString().strip();
    }

    /**
     * Cuts text to at most {@code max} characters (UTF-16 units, as Zalo counts), never inside a character:
     * the text is composed first (NFC, so "ệ" is one unit, not e + two marks) and cut on a grapheme boundary.
     * A name is cut at the last whole word when that keeps at least half of it ("Nguyễn Thị Hồng" rather
     * than "Nguyễn Thị Hồng Nh").
     */
    public static String truncate(String text, int max) {
        if (text == null) return "";
        String s = Normalizer.normalize(text, Normalizer.Form.NFC).strip();
        if (s.length() <= max) return s;
        BreakIterator it = BreakIterator.getCharacterInstance(new Locale("vi", "VN"));
        it.setText(s);
        int cut = it.preceding(max + 1);
        if (cut == BreakIterator.DONE || cut > max) cut = 0;
        int space = s.lastIndexOf(' ', cut);
        if (space >= max / 2 && cut < s.length() && s.charAt(cut) != ' ') cut = space;
        return s.substring(0, cut).strip();
    }
}
