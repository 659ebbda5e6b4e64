package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A partner call made in parallel holds no broker transaction: work sent from it would commit on its own. */
class ParallelCallGuardTest {
    @Test
    void workSentFromAParallelPartnerCallIsRefused() throws Exception {
        PartnerWorkQueues queues = new PartnerWorkQueues(null, null, new QueueProperties());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread call = new PartnerWorker.CallThread(() -> {
            try {
                queues.enqueueAll(List.of(WorkItem.first("sms", "sms:1", "D-1", "DOSSIER_RECEIVED", "{}")));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "call-test");
        call.start();
        call.join();
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("parallel-calls");
    }
}
