package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A partner call made in parallel, or answered on a non-blocking client's I/O thread, holds no broker transaction: work
 * sent from it would commit on its own.
 */
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

    @Test
    void workSentWhereANonBlockingCallIsAnsweredIsRefused() throws Exception {
        com.sun.net.httpserver.HttpServer partner = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(1);
        partner.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                attached.await(10, java.util.concurrent.TimeUnit.SECONDS); // the answer comes once the stage below waits for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        partner.start();
        PartnerWorkQueues queues = new PartnerWorkQueues(null, null, new QueueProperties());
        try (var http = vn.gov.lgsp.hub.http.PartnerHttp.nonBlockingClient(2, java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(5))) {
            java.util.concurrent.CompletableFuture<Throwable> thrown = vn.gov.lgsp.hub.http.PartnerHttp.postJsonAsync(http,
                    java.net.URI.create("http://127.0.0.1:" + partner.getAddress().getPort() + "/"), "{}", java.util.Map.of())
                    .thenApply(answer -> {
                        try {
                            queues.enqueueAll(List.of(WorkItem.first("sms", "sms:2", "D-2", "DOSSIER_RECEIVED", "{}")));
                            return null;
                        } catch (Throwable t) {
                            return t;
                        }
                    });
            attached.countDown();
            assertThat(thrown.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("follow-up");
        } finally {
            partner.stop(0);
        }
    }
}
