package vn.gov.lgsp.hub.outage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.TestHttp;

/**
 * The one-stop system's dossier lifecycles, interleaved (one dossier's events in order). Sent to the REST intake by
 * {@link #start} as a well-behaved client does through an outage: each event until it is answered 202 (a 503 is
 * retried after a short pause, as its Retry-After invites). Every answer is recorded with how long it took, so a test
 * can bound the answers given during the outage.
 */
final class OnestopTraffic {
    /** One answer the client got that was not a 202: status (-1 for no answer at all), time taken, Retry-After. */
    record Refusal(int status, long millis, String retryAfter, String body) {}

    final List<List<ObjectNode>> lifecycles = new ArrayList<>();
    final List<ObjectNode> events = new ArrayList<>();
    final Map<Integer, Integer> answers = new ConcurrentHashMap<>();
    final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong slowest202Millis = new AtomicLong();
    private volatile long pauseBetweenEventsMillis;
    private Thread sender;

    /**
     * {@code dossiers} lifecycles whose applicants' phones the simulators do not refuse on purpose (their SMS and Zalo
     * patterns for blocked and invalid numbers would dead-letter work for reasons that are not this test's).
     */
    OnestopTraffic(int dossiers, long pauseBetweenEventsMillis) {
        this.pauseBetweenEventsMillis = pauseBetweenEventsMillis;
        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        while (lifecycles.size() < dossiers) {
            lifecycles.add(factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2))));
        }
        int steps = lifecycles.stream().mapToInt(List::size).max().orElseThrow();
        for (int step = 0; step < steps; step++) for (List<ObjectNode> l : lifecycles) if (step < l.size()) events.add(l.get(step));
    }

    String[] eventIds() {
        return events.stream().map(e -> e.get("eventId").asText()).toArray(String[]::new);
    }

    String[] codes() {
        return lifecycles.stream().map(l -> l.get(0).get("dossier").get("code").asText()).toArray(String[]::new);
    }

    /** The statuses the portal must receive for a dossier, in order (a pickup request is not the portal's). */
    List<Integer> portalStatuses(int dossier) {
        return lifecycles.get(dossier).stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText()))
                .map(e -> e.get("dossier").get("status").asInt()).toList();
    }

    /** From now on the client sends without pausing between events (the outage is where the load matters). */
    void fullSpeed() {
        pauseBetweenEventsMillis = 0;
    }

    void start(int port) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        sender = new Thread(() -> {
            for (ObjectNode e : events) {
                while (!Thread.currentThread().isInterrupted()) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r;
                    try {
                        r = client.send(TestHttp.intake(port, e.toString()).timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.ofString());
                    } catch (InterruptedException stop) {
                        return;
                    } catch (Exception noAnswer) {
                        // a hang (the client's 30 s timeout) or a reset: counted, and must not happen
                        answers.merge(-1, 1, Integer::sum);
                        refusals.add(new Refusal(-1, (System.nanoTime() - t0) / 1_000_000, null, String.valueOf(noAnswer)));
                        pause(300);
                        continue;
                    }
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    answers.merge(r.statusCode(), 1, Integer::sum);
                    if (r.statusCode() == 202) {
                        accepted.incrementAndGet();
                        slowest202Millis.accumulateAndGet(millis, Math::max);
                        break;
                    }
                    refusals.add(new Refusal(r.statusCode(), millis, r.headers().firstValue("Retry-After").orElse(null), r.body()));
                    if (r.statusCode() != 503) break; // anything else is a failure of the test: not retried
                    pause(300); // shorter than the Retry-After asks: the test wants to meet the outage often
                }
                if (pauseBetweenEventsMillis > 0) pause(pauseBetweenEventsMillis);
            }
        }, "one-stop-rest-client");
        sender.setDaemon(true);
        sender.start();
    }

    /** Waits for the client to have an answer for every event; true if it has. */
    boolean await(Duration atMost) throws InterruptedException {
        sender.join(atMost.toMillis());
        if (sender.isAlive()) sender.interrupt();
        return !sender.isAlive();
    }

    long slowest202Millis() {
        return slowest202Millis.get();
    }

    /** The slowest 503, in ms (0 if none). */
    long slowest503Millis() {
        return refusals.stream().filter(r -> r.status() == 503).mapToLong(Refusal::millis).max().orElse(0);
    }

    long count503() {
        return refusals.stream().filter(r -> r.status() == 503).count();
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms); // the client's own pacing between requests, not a test synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
