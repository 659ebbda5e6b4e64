package vn.gov.lgsp.hub.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Thread dumps of a phase that stopped moving: when no event has completed for {@link #QUIET_SECONDS} while some are
 * unfinished, every thread of this JVM (the simulators, the driver, the ceiling) and of the other JVMs (the hub's if one
 * runs, the brokers') is written to {@code stall-<n>-bench.txt}, {@code stall-<n>-<name>.txt} in the output folder, at most
 * {@link #MAX_DUMPS} times a run. Two runs' lean ceilings had an Artemis commit go unanswered for 30 s, after which the
 * client gave up the connection and nothing was left to look at (bench/PROFILING.md, "A fifteenth look"); a dump taken
 * while the commit waits shows what the broker's threads were doing.
 */
final class StallDumps implements AutoCloseable {
    static final int QUIET_SECONDS = 10;
    private static final int MAX_DUMPS = 3;
    private static int dumps;

    private final Thread watcher;
    private volatile boolean running = true;

    /**
     * @param phase      named in the dump's first line
     * @param done       events completed so far
     * @param unfinished events published and not yet completed
     * @param otherJvms  the other JVMs running (the hub's, the brokers'), by name -> pid
     */
    StallDumps(Path out, String phase, IntSupplier done, IntSupplier unfinished, Supplier<Map<String, Long>> otherJvms) {
        watcher = new Thread(() -> watch(out, phase, done, unfinished, otherJvms), "bench-stall-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch(Path out, String phase, IntSupplier done, IntSupplier unfinished, Supplier<Map<String, Long>> otherJvms) {
        int last = done.getAsInt();
        long quietSince = System.nanoTime();
        while (running) {
            try {
                TimeUnit.SECONDS.sleep(1); // a watchdog's period, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
            int now = done.getAsInt();
            if (now != last || unfinished.getAsInt() <= 0) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= TimeUnit.SECONDS.toNanos(QUIET_SECONDS)) {
                dump(out, phase, unfinished.getAsInt(), otherJvms.get());
                quietSince = System.nanoTime(); // once per quiet spell of QUIET_SECONDS
            }
        }
    }

    private static synchronized void dump(Path out, String phase, int unfinished, Map<String, Long> otherJvms) {
        if (dumps >= MAX_DUMPS) return;
        int n = ++dumps;
        String header = "# " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + phase + ": no event completed for "
                + QUIET_SECONDS + " s, " + unfinished + " unfinished\n";
        try {
            StringBuilder bench = new StringBuilder(header);
            for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) bench.append(full(t));
            Path benchFile = out.resolve("stall-" + n + "-bench.txt");
            Files.writeString(benchFile, bench);
            String where = benchFile.toString();
            for (Map.Entry<String, Long> jvm : otherJvms.entrySet()) {
                Path file = out.resolve("stall-" + n + "-" + jvm.getKey() + ".txt");
                Files.writeString(file, header);
                new ProcessBuilder("jcmd", Long.toString(jvm.getValue()), "Thread.print", "-l")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()))
                        .start().waitFor(30, TimeUnit.SECONDS);
                where += ", " + file;
            }
            System.out.println("    STALL: " + header.substring(2).trim() + "; threads: " + where);
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.out.println("    STALL: " + header.substring(2).trim() + "; thread dump failed: " + e);
        }
    }

    /** ThreadInfo.toString() cuts a stack at 8 frames: every frame here, with the locks held. */
    private static String full(ThreadInfo t) {
        StringBuilder s = new StringBuilder("\"").append(t.getThreadName()).append("\" ").append(t.getThreadState());
        if (t.getLockName() != null) s.append(" on ").append(t.getLockName());
        if (t.getLockOwnerName() != null) s.append(" owned by \"").append(t.getLockOwnerName()).append('"');
        s.append('\n');
        for (StackTraceElement frame : t.getStackTrace()) s.append("\tat ").append(frame).append('\n');
        for (var lock : t.getLockedSynchronizers()) s.append("\t- holds ").append(lock).append('\n');
        return s.append('\n').toString();
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
    }
}
