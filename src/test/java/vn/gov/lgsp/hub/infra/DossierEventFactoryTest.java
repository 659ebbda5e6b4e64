package vn.gov.lgsp.hub.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;

/**
 * The one-stop traffic simulator's applicants: their numbers never end as the Zalo and SMS simulators' refusals do.
 * One drawn at random that ended in 144 (the OA's daily ZNS quota spent) made the shared hub of a test run send no ZNS
 * until midnight, and the tests after it timed out.
 */
class DossierEventFactoryTest {

    @Test
    void noDrawnApplicantHasANumberThePartnerSimulatorsRefuse() {
        DossierEventFactory factory = new DossierEventFactory(20261205L);
        OffsetDateTime now = OffsetDateTime.now(DossierEventFactory.VN);
        List<String> phones = new ArrayList<>();
        // 20,000 draws: about a hundred would end in one of the five refused endings if nothing prevented it
        for (int i = 0; i < 20_000; i++) phones.add(factory.newDossier(now).at("/applicant/phone").asText());

        assertThat(phones).allSatisfy(p -> assertThat(p).matches("0\\d{9}").doesNotEndWith("099").doesNotEndWith("108")
                .doesNotEndWith("114").doesNotEndWith("118").doesNotEndWith("144"));
        // the numbers are still spread over every last digit, the refused endings' neighbours included
        assertThat(phones.stream().filter(p -> p.endsWith("145") || p.endsWith("119") || p.endsWith("090"))).isNotEmpty();
    }
}
