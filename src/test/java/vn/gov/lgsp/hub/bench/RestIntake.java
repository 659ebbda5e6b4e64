package vn.gov.lgsp.hub.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A one-stop system posting its events to {@code POST /api/v1/dossier-events}, with a bearer token or (on the
 * benchmark's test-scope port, {@link UnauthenticatedIntake}) without. A dossier's events go one after the other
 * (the next once the previous one is answered, as a client that keeps order must), different dossiers' in
 * parallel over {@code lanes} connections: a dossier's lane is chosen by its code.
 */
final class RestIntake implements Sender, AutoCloseable {
    private final String label;
    private final URI uri;
    private final String token;
    private final HttpClient http;
    private final ExecutorService[] lanes;
    private final Map<Integer, Long> answers = new TreeMap<>();

    /** @param token the bearer token to present, or null for none */
    RestIntake(String label, int port, String token, int lanes) {
        this.label = label;
        this.uri = URI.create("http://127.0.0.1:" + port + "/api/v1/dossier-events");
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        this.lanes = new ExecutorService[lanes];
        for (int i = 0; i < lanes; i++) {
            int n = i;
            this.lanes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bench-rest-" + n);
                t.setDaemon(true);
                return t;
            });
        }
    }

    @Override
    public void send(Workload.Event e) {
        lanes[Math.floorMod(e.dossierCode().hashCode(), lanes.length)].execute(() -> post(e.json()));
    }

    /** One POST; its status is counted (anything but 202 leaves the event undone, and the phase reports it). */
    int post(String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) b.header("Authorization", "Bearer " + token);
        int status;
        try {
            status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception ex) {
            status = 0; // no answer (connection refused or reset, time-out)
        }
        synchronized (answers) {
            answers.merge(status, 1L, Long::sum);
        }
        return status;
    }

    @Override
    public void flush() throws Exception {
        List<Future<?>> marks = new ArrayList<>();
        for (ExecutorService lane : lanes) marks.add(lane.submit(() -> {}));
        for (Future<?> f : marks) f.get();
    }

    /** HTTP status -> how many answers (0: no answer), since the last call. */
    Map<Integer, Long> answers() {
        synchronized (answers) {
            Map<Integer, Long> copy = new TreeMap<>(answers);
            answers.clear();
            return copy;
        }
    }

    String describe() {
        return label + ", " + lanes.length + " connections";
    }

    @Override
    public void close() {
        for (ExecutorService lane : lanes) lane.shutdownNow();
    }
}
