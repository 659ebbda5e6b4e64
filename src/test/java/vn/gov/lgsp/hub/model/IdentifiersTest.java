package vn.gov.lgsp.hub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void bothDossierCodeFormsAreAcceptedAndOthersRejectedWithAReason() {
        assertThat(Identifiers.checkDossierCode("000.00.21.H45-210917-0001")).isEmpty();
        assertThat(Identifiers.checkDossierCode("G09.20-20260609-0092637")).isEmpty();
        assertThat(Identifiers.checkDossierCode("000.00.21.H45-211317-0001")).hasValueSatisfying(m -> assertThat(m).contains("impossible date"));
        assertThat(Identifiers.checkDossierCode("G09.20-20260609-0001")).hasValueSatisfying(m -> assertThat(m).contains("mixes"));
        assertThat(Identifiers.checkDossierCode("HS-001")).isPresent();
    }

    @Test
    void citizenIdStructureIsChecked() {
        assertThat(Identifiers.checkCitizenId("022190001234")).isEmpty();
        assertThat(Identifiers.checkCitizenId("123456789")).isEmpty(); // old 9-digit ID
        assertThat(Identifiers.checkCitizenId("003190001234")).hasValueSatisfying(m -> assertThat(m).contains("not a province code"));
        assertThat(Identifiers.checkCitizenId("022990001234")).hasValueSatisfying(m -> assertThat(m).contains("birth year"));
        assertThat(Identifiers.checkCitizenId("02219000123")).isPresent();
        // G=0 male 1900s, G=3 female 2000s
        assertThat(Identifiers.citizenBirthYear("022009001234")).isEqualTo(1909);
        assertThat(Identifiers.citizenBirthYear("022305001234")).isEqualTo(2005);
    }

    @Test
    void phonesNormaliseBothWays() {
        assertThat(Identifiers.localPhone("84912345678")).isEqualTo("0912345678");
        assertThat(Identifiers.localPhone("+84 912 345 678")).isEqualTo("0912345678");
        assertThat(Identifiers.internationalPhone("0912345678")).isEqualTo("84912345678");
        assertThat(Identifiers.checkPhone("0212345678")).isPresent();
        assertThatThrownBy(() -> Identifiers.localPhone("12345")).isInstanceOf(IllegalArgumentException.class);
    }
}
