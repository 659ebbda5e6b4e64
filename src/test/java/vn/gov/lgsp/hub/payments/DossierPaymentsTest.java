package vn.gov.lgsp.hub.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.hub.model.Dossier.Fee;

class DossierPaymentsTest {
    private static final List<Fee> FEES = List.of(new Fee("LPXD", "Lệ phí", 75_000, false), new Fee("PTD", "Phí thẩm định", 50_000, false));

    @Test
    void nothingRecordedMeansTheUnpaidFees() {
        assertThat(DossierPayments.outstanding(FEES, Map.of())).isEqualTo(125_000);
    }

    @Test
    void feesSettledByARecordedPaymentAreNotOwedAgainEvenWhenTheEventStillSaysUnpaid() {
        assertThat(DossierPayments.outstanding(FEES, Map.of("LPXD", 75_000L, "PTD", 50_000L))).isZero();
        assertThat(DossierPayments.outstanding(FEES, Map.of("LPXD", 75_000L))).isEqualTo(50_000);
    }

    @Test
    void aFeeRaisedAfterItWasPaidOwesTheDifferenceAndAFeeMarkedPaidIsNotCountedTwice() {
        assertThat(DossierPayments.outstanding(FEES, Map.of("LPXD", 60_000L, "PTD", 50_000L))).isEqualTo(15_000);
        List<Fee> marked = List.of(new Fee("LPXD", "Lệ phí", 75_000, true), new Fee("PTD", "Phí thẩm định", 50_000, false));
        assertThat(DossierPayments.outstanding(marked, Map.of("LPXD", 75_000L))).isEqualTo(50_000);
        assertThat(DossierPayments.outstanding(null, Map.of())).isZero();
    }
}
