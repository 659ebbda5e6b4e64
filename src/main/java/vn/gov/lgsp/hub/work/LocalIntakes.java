package vn.gov.lgsp.hub.work;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The intakes of this hub instance in the last minute, by eventId, and whether their database transaction committed.
 * The intake commits the broker before the database, so a worker may get an event's work before its inbox record is
 * committed; a worker asks here first, and waits in memory for an intake of this instance still committing. Only
 * what is not known here (another instance's intake, an older one, one whose commit failed or was never seen to
 * end, everything after a restart) is asked of the database ({@link PartnerWorker}'s look-up and probe). Those were
 * a statement per shard batch and a rolled-back insert for every other one at 200 events/s (bench/PROFILING.md).
 */
final class LocalIntakes {
    /** How long an intake is remembered: its work is usually worked within a second, and then the database answers. */
    private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Map<String, Intake> byEvent = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Intake> oldestFirst = new ConcurrentLinkedQueue<>();

    /** One intake transaction's new events. */
    static final class Intake {
        private final List<String> eventIds;
        private final long startedAt = System.nanoTime();
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile boolean committed;

        private Intake(List<String> eventIds) {
            this.eventIds = eventIds;
        }
    }

    /** An intake transaction has inserted these events' inbox records and is about to commit the broker. */
    Intake begin(Collection<String> eventIds) {
        forgetOld();
        Intake intake = new Intake(List.copyOf(eventIds));
        for (String id : intake.eventIds) byEvent.put(id, intake);
        oldestFirst.add(intake);
        return intake;
    }

    /** Its database transaction ended: committed, or not (rolled back, or its outcome unknown). */
    void ended(Intake intake, boolean committed) {
        intake.committed = committed;
        if (!committed) intake.eventIds.forEach(id -> byEvent.remove(id, intake));
        intake.ended.countDown();
    }

    /**
     * True when this instance's intake of the event committed its inbox record, after waiting up to {@code maxWaitMillis}
     * for one still committing; false when that is not known here (the database must be asked).
     */
    boolean committed(String eventId, long maxWaitMillis) throws InterruptedException {
        Intake intake = byEvent.get(eventId);
        return intake != null && intake.ended.await(maxWaitMillis, TimeUnit.MILLISECONDS) && intake.committed;
    }

    private void forgetOld() {
        long now = System.nanoTime();
        Intake oldest;
        // an intake still committing stops the sweep: intake transactions end within seconds
        while ((oldest = oldestFirst.peek()) != null && now - oldest.startedAt > KEEP_NANOS && oldest.ended.getCount() == 0) {
            if (oldestFirst.remove(oldest)) {
                for (String id : oldest.eventIds) byEvent.remove(id, oldest);
            }
        }
    }
}
