package vn.gov.lgsp.hub.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a phase costs: CPU of this JVM (hub, Kafka broker, Artemis, simulators, driver: everything but PostgreSQL)
 * and of the PostgreSQL processes, sampled heap, heap left after GC (the live set: what a leak would grow), RSS.
 */
final class ResourceMeter implements AutoCloseable {
    static final long CLOCK_TICKS = 100; // USER_HZ on Linux
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peakHeapUsed;

    private long cpuStart;
    private long pgCpuStart;
    private long wallStart;

    ResourceMeter() {
        sampler = new Thread(() -> {
            while (running) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                if (used > peakHeapUsed) peakHeapUsed = used;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    void begin() {
        peakHeapUsed = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
        cpuStart = os.getProcessCpuTime();
        pgCpuStart = postgresCpuNanos();
        wallStart = System.nanoTime();
    }

    /** CPU seconds of this JVM and PostgreSQL since {@link #begin()}: a mark inside a phase. */
    double cpuSecondsSoFar() {
        return (os.getProcessCpuTime() - cpuStart) / 1e9 + Math.max(0, postgresCpuNanos() - pgCpuStart) / 1e9;
    }

    /** CPU ticks (utime + stime) of another process, e.g. a hub in a JVM of its own; 0 once it has ended. */
    static long processCpuNanos(long pid) {
        try {
            return ProcStat.of(Path.of("/proc", Long.toString(pid), "stat")).cpuTicks() * 1_000_000_000L / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU of a JVM's JIT compiler threads so far ("C1 CompilerThread0", "C2 CompilerThread1", ...), from
     * /proc/&lt;pid&gt;/task: how much compiling a process still does. A compiler thread that has ended (the JVM starts and
     * stops them as their queues grow and shrink) takes its ticks along, so a difference may undercount, never invent.
     */
    static long compilerCpuNanos(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            long ticks = 0;
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    ProcStat stat = ProcStat.of(t.resolve("stat"));
                    if (stat.name().contains("CompilerThre")) ticks += stat.cpuTicks(); // the kernel cuts names at 15 chars
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while listed
                }
            }
            return ticks * 1_000_000_000L / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    record Usage(double jvmCpuSeconds, double postgresCpuSeconds, double wallSeconds, long peakHeapBytes,
                 long liveHeapAfterGcBytes, long rssBytes, long rssPeakBytes) {}

    Usage end() {
        long liveAfterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) liveAfterGc += pool.getCollectionUsage().getUsed();
        }
        return new Usage((os.getProcessCpuTime() - cpuStart) / 1e9, Math.max(0, postgresCpuNanos() - pgCpuStart) / 1e9, // a backend that exited takes its ticks along
               
                (System.nanoTime() - wallStart) / 1e9, peakHeapUsed, liveAfterGc, procStatus("VmRSS"), procStatus("VmHWM"));
    }

    /** utime+stime of every process named postgres (the server and its backends). */
    static long postgresCpuNanos() {
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
                try {
                    ProcStat stat = ProcStat.of(p.resolve("stat"));
                    if (stat.name().equals("postgres")) ticks += stat.cpuTicks();
                } catch (IOException | RuntimeException ignored) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * 1_000_000_000L / CLOCK_TICKS;
    }

    /** A process's or thread's name and CPU ticks (utime + stime, fields 14 and 15) from its /proc stat file. */
    record ProcStat(String name, long cpuTicks) {
        static ProcStat of(Path statFile) throws IOException {
            String stat = Files.readString(statFile);
            int close = stat.lastIndexOf(')');
            String[] f = stat.substring(close + 2).split(" ");
            return new ProcStat(stat.substring(stat.indexOf('(') + 1, close), Long.parseLong(f[11]) + Long.parseLong(f[12]));
        }
    }

    static long procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return -1;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
