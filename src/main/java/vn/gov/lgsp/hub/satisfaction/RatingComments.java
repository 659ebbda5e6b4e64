package vn.gov.lgsp.hub.satisfaction;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.gov.lgsp.hub.model.PersonalData;

/**
 * A citizen's comment as the hub keeps it: personal data masked before it is stored, logged, published or shown.
 * Phone and identity numbers ({@link PersonalData#maskText}), e-mail addresses, and the names the hub knows for the
 * dossier (the applicant's, the handler's: whole, and their last two words, "Thị Lan" of "Nguyễn Thị Lan") become
 * "***". A name the hub does not know (a neighbour's, say) cannot be recognised in free text and stays.
 */
public final class RatingComments {
    private RatingComments() {}

    private static final Pattern EMAIL = Pattern.compile("[\\p{L}0-9._%+-]+@[\\p{L}0-9.-]+\\.[\\p{L}]{2,}");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n]]");

    /** Null for nothing to keep; otherwise NFC, control characters dropped, cut to {@code max}, then masked. */
    public static String mask(String comment, Collection<String> knownNames, int max) {
        if (comment == null) return null;
        String text = Normalizer.normalize(comment, Normalizer.Form.NFC).replace("\r\n", "\n");
        text = CONTROL.matcher(text).replaceAll(" ").strip();
        if (text.isEmpty()) return null;
        if (text.codePointCount(0, text.length()) > max) text = text.substring(0, text.offsetByCodePoints(0, max));
        text = PersonalData.maskText(text);
        text = EMAIL.matcher(text).replaceAll("***@***");
        for (String name : variants(knownNames)) {
            Matcher m = Pattern.compile("(?<![\\p{L}\\p{M}])" + Pattern.quote(name) + "(?![\\p{L}\\p{M}])",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(text);
            text = m.replaceAll("***");
        }
        return text;
    }

    /** Each known name whole, and its last two words when it has three or more; longest first. */
    static List<String> variants(Collection<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n == null) continue;
            String name = Normalizer.normalize(n, Normalizer.Form.NFC).strip().replaceAll("\\s+", " ");
            if (name.length() < 2) continue;
            out.add(name);
            String[] words = name.split(" ");
            if (words.length >= 3) out.add(words[words.length - 2] + " " + words[words.length - 1]);
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }
}
