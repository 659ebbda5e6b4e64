package vn.gov.lgsp.connector.zalo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RecentZnsSendsTest {
    private static RecentZnsSends holding(int sends) {
        ZaloProperties props = new ZaloProperties();
        props.setReceiptsAwaited(sends);
        return new RecentZnsSends(props);
    }

    private static RecentZnsSends.Sent sent(String messageId) {
        return new RecentZnsSends.Sent(messageId, "000.00.00.H01-261202-0001", "0912345678", "DOSSIER_RECEIVED");
    }

    @Test
    void holdsAsManySendsAsReceiptsAwaitedSaysAndForgetsTheOldestFirst() {
        RecentZnsSends recent = holding(3);
        for (int i = 1; i <= 4; i++) recent.add("msg-" + i, sent("m" + i), CompletableFuture.completedFuture(null));

        assertThat(recent.size()).isEqualTo(3);
        assertThat(recent.take("msg-1")).as("the oldest, forgotten: its receipt goes the stored way").isNull();
        assertThat(recent.take("msg-2").messageId()).isEqualTo("m2");
        assertThat(recent.take("msg-4").messageId()).isEqualTo("m4");
        assertThat(recent.take("msg-4")).as("taken once: a repeated receipt goes the stored way").isNull();
    }

    @Test
    void theDefaultHoldsAFlatOutBacklogOfReceipts() {
        // flat out the hub sent ~2,000 ZNS a second with 20,000-40,000 receipts outstanding: the 20,000 held before
        // sent half of them the stored way (bench/PROFILING.md, "A thirty-fifth look")
        assertThat(new ZaloProperties().getReceiptsAwaited()).isGreaterThanOrEqualTo(60_000);
        RecentZnsSends recent = holding(new ZaloProperties().getReceiptsAwaited());
        for (int i = 0; i < 60_000; i++) recent.add("msg-" + i, sent("m" + i), CompletableFuture.completedFuture(null));
        assertThat(recent.take("msg-0")).isNotNull();
    }

    @Test
    void aNegativeNumberOfSendsHeldIsRefusedNamingTheSetting() {
        ZaloProperties props = new ZaloProperties();
        props.setReceiptsAwaited(-1);
        try (var factory = jakarta.validation.Validation.buildDefaultValidatorFactory()) {
            assertThat(factory.getValidator().validate(props))
                    .extracting(v -> v.getPropertyPath().toString()).containsExactly("receiptsAwaited");
            props.setReceiptsAwaited(0);
            assertThat(factory.getValidator().validate(props)).isEmpty();
        }
    }

    @Test
    void aSendWhoseRecordFailedIsNotAppliedFromMemory() {
        RecentZnsSends recent = holding(10);
        recent.add("msg-1", sent("m1"), CompletableFuture.failedFuture(new IllegalStateException("database down")));
        assertThat(recent.take("msg-1")).isNull();
    }
}
