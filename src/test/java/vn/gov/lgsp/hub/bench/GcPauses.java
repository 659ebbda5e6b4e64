package vn.gov.lgsp.hub.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The garbage collectors' stop-the-world pauses of this JVM (the simulators and the driver; in the one-JVM benchmarks
 * the brokers too) and of the JVMs it started (the hub's, the brokers'), each second of a paced run: set beside the
 * run's worst latency each second, they tell a collection from the other stalls of the tail. This JVM's from the
 * collectors' notifications; the others' from their {@code -Xlog:gc} files ({@link HubJvm}, {@link BrokerJvm}), whose
 * lines carry the wall-clock time a pause ended.
 */
final class GcPauses {
    /** A pause: when it ended (epoch ms) and how long it lasted. */
    record Pause(long endEpochMs, double ms) {}

    private static final Pattern LOG_LINE = Pattern.compile("^\\[([^\\]]+)\\].*\\bPause\\b.* ([0-9.]+)ms$");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private final ConcurrentLinkedQueue<Pause> own = new ConcurrentLinkedQueue<>();

    /** Starts listening to this JVM's collectors (the young and full collections: the pauses, not the concurrent cycles). */
    static GcPauses listen() {
        GcPauses pauses = new GcPauses();
        long startEpochMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getUptime();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof NotificationEmitter emitter) || gc.getName().contains("Concurrent")) continue;
            emitter.addNotificationListener((n, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
                pauses.own.add(new Pause(startEpochMs + info.getEndTime(), info.getDuration()));
                while (pauses.own.size() > 10_000) pauses.own.poll(); // the run's last pauses are enough
            }, null, null);
        }
        return pauses;
    }

    /** This JVM's longest pause in each second from {@code fromEpochMs} for {@code seconds}. */
    List<Long> ownWorstEachSecond(long fromEpochMs, int seconds) {
        return worstEachSecond(List.copyOf(own), fromEpochMs, seconds);
    }

    /** Another JVM's (the hub's, a broker's) longest pause in each second, from its -Xlog:gc file ({@code time} decoration); empty if unreadable. */
    static List<Long> loggedWorstEachSecond(Path gcLog, long fromEpochMs, int seconds) {
        List<Pause> pauses = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = LOG_LINE.matcher(line);
                if (!m.matches()) continue;
                long end = OffsetDateTime.parse(m.group(1), LOG_TIME).toInstant().toEpochMilli();
                pauses.add(new Pause(end, Double.parseDouble(m.group(2))));
            }
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
        return worstEachSecond(pauses, fromEpochMs, seconds);
    }

    private static List<Long> worstEachSecond(List<Pause> pauses, long fromEpochMs, int seconds) {
        long[] worst = new long[seconds];
        for (Pause p : pauses) {
            int second = (int) Math.floorDiv(p.endEpochMs() - fromEpochMs, 1000L);
            if (second >= 0 && second < seconds) worst[second] = Math.max(worst[second], Math.round(p.ms()));
        }
        List<Long> out = new ArrayList<>(seconds);
        for (long w : worst) out.add(w);
        return out;
    }
}
