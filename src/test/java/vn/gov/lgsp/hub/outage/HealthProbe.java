package vn.gov.lgsp.hub.outage;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The hub's readiness as a load balancer or Kubernetes probes it (open, no token), during and after an outage. */
final class HealthProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private HealthProbe() {}

    /** The readiness status now: 200, 503, or -1 when there was no answer within 3 s (a probe's usual timeout). */
    static int readiness(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception noAnswer) {
            return -1;
        }
    }

    /**
     * Probes readiness every 2 s from 2 s after {@code startNanos} (System.nanoTime()) until {@code outage} has passed
     * since then, adding each status to {@code statuses}: the outage lasts its time while it is watched.
     */
    static void readinessDuring(int port, long startNanos, Duration outage, List<Integer> statuses) {
        long end = startNanos + outage.toNanos();
        long next = startNanos + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= next) {
                statuses.add(readiness(port));
                next += Duration.ofSeconds(2).toNanos();
            }
            long wait = Math.min(end, next) - System.nanoTime();
            if (wait > 0) {
                await().pollDelay(Duration.ofNanos(wait)).atMost(Duration.ofNanos(wait).plusSeconds(5)).until(() -> true);
            }
        }
    }

    /** Waits until readiness is 200; the ms from {@code sinceNanos} (System.nanoTime()) until it was. */
    static long awaitReady(int port, long sinceNanos, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> readiness(port) == 200);
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
