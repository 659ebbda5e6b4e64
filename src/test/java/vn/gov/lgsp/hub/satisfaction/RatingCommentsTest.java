package vn.gov.lgsp.hub.satisfaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatingCommentsTest {
    @Test
    void phonesIdsEmailsAndTheDossiersNamesAreMasked() {
        String masked = RatingComments.mask("Tôi là Nguyễn Thị Lan, SĐT 0912345678 / +84 912 345 678, CCCD 022190001234,"
                + " mail lan.nguyen@gmail.com. Chị thị lan ở bộ phận một cửa rất nhiệt tình; cán bộ Trần Văn Bình chậm.",
                List.of("Nguyễn Thị Lan", "Trần Văn Bình"), 1000);
        assertThat(masked).doesNotContain("Nguyễn Thị Lan").doesNotContain("0912345678").doesNotContain("022190001234")
                .doesNotContain("lan.nguyen@gmail.com").doesNotContain("Trần Văn Bình").doesNotContain("thị lan")
                .contains("Tôi là ***", "091*****78", "022******234", "***@***", "Chị *** ở bộ phận", "cán bộ *** chậm");
    }

    @Test
    void namesAreFoundWhateverTheirUnicodeFormAndOnlyAsWholeWords() {
        String decomposed = java.text.Normalizer.normalize("Cảm ơn anh Lê Văn Tám", java.text.Normalizer.Form.NFD);
        assertThat(RatingComments.mask(decomposed, List.of("Lê Văn Tám"), 1000)).isEqualTo("Cảm ơn anh ***");
        // "Văn Tám" is masked as the last two words of the name, "Tám" alone is a word ("eight") and stays
        assertThat(RatingComments.mask("Tám lần đi lại, Văn Támxyz", List.of("Lê Văn Tám"), 1000)).isEqualTo("Tám lần đi lại, Văn Támxyz");
    }

    @Test
    void blankIsNothingControlCharactersGoAndLengthIsBounded() {
        assertThat(RatingComments.mask("  \n ", List.of(), 1000)).isNull();
        assertThat(RatingComments.mask(null, List.of(), 1000)).isNull();
        assertThat(RatingComments.mask("a\u0000b\u0007c", List.of(), 1000)).isEqualTo("a b c");
        assertThat(RatingComments.mask("😀".repeat(20), List.of(), 5)).isEqualTo("😀".repeat(5));
    }

    @Test
    void tokensAreLettersAndDigitsOnlyAndUnguessable() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String t = RatingInvitations.newToken();
            assertThat(RatingInvitations.wellFormed(t)).isTrue();
            assertThat(seen.add(t)).isTrue();
        }
        assertThat(RatingInvitations.wellFormed("abc")).isFalse();
        assertThat(RatingInvitations.wellFormed("AAAAAAAAAAAAAAAAAAAA-_")).isFalse();
        assertThat(RatingInvitations.wellFormed(null)).isFalse();
    }
}
