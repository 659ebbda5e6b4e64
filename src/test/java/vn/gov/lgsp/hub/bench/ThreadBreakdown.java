package vn.gov.lgsp.hub.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a phase's CPU and allocation went, by thread group (a thread's name with its numbers taken out): CPU from
 * Linux's per-thread counters (/proc/self/task, so the collector and compiler threads count too; their names are cut
 * to 15 characters there), allocation from the JVM's exact per-thread byte counts. Sampled profiles (JFR) overstated
 * small hot spots on this machine; these are totals, not samples.
 */
final class ThreadBreakdown {
    private static final int TOP = 12;

    /** Per thread: group name and counter (CPU ticks or allocated bytes) at one moment. */
    record Snapshot(Map<Long, Map.Entry<String, Long>> cpuTicks, Map<Long, Map.Entry<String, Long>> allocatedBytes) {}

    static Snapshot take() {
        return new Snapshot(cpuTicks(), allocatedBytes());
    }

    /** The top groups between two snapshots: CPU seconds and allocated MB per 1,000 events. */
    static Map<String, Object> between(Snapshot before, Snapshot after, int events) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu_s_per_1000_events", top(before.cpuTicks(), after.cpuTicks(), 1000.0 / ResourceMeter.CLOCK_TICKS / events));
        out.put("allocated_mb_per_1000_events", top(before.allocatedBytes(), after.allocatedBytes(), 1000.0 / 1048576 / events));
        return out;
    }

    private static Map<String, Double> top(Map<Long, Map.Entry<String, Long>> before, Map<Long, Map.Entry<String, Long>> after, double scale) {
        Map<String, Double> byGroup = new HashMap<>();
        after.forEach((id, now) -> {
            Map.Entry<String, Long> then = before.get(id);
            long delta = now.getValue() - (then == null ? 0 : then.getValue()); // a thread started in the phase counts from 0
            if (delta > 0) byGroup.merge(now.getKey(), delta * scale, Double::sum);
        });
        Map<String, Double> top = new LinkedHashMap<>();
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(TOP)
                .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() * 1000) / 1000.0));
        return top;
    }

    private static String group(String threadName) {
        return threadName.replaceAll("\\d+", "#");
    }

    /** Another process's threads' CPU ticks now (e.g. the hub's own JVM), for {@link #cpuSecondsBetween}. */
    static Map<Long, Map.Entry<String, Long>> cpuTicksOf(long pid) {
        return cpuTicks(Path.of("/proc", Long.toString(pid), "task"));
    }

    /** The top thread groups' CPU seconds between two {@link #cpuTicksOf} readings. */
    static Map<String, Double> cpuSecondsBetween(Map<Long, Map.Entry<String, Long>> before, Map<Long, Map.Entry<String, Long>> after) {
        return top(before, after, 1.0 / ResourceMeter.CLOCK_TICKS);
    }

    private static Map<Long, Map.Entry<String, Long>> cpuTicks() {
        return cpuTicks(Path.of("/proc/self/task"));
    }

    private static Map<Long, Map.Entry<String, Long>> cpuTicks(Path taskDir) {
        Map<Long, Map.Entry<String, Long>> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(taskDir)) {
            tasks.forEach(task -> {
                try {
                    ResourceMeter.ProcStat stat = ResourceMeter.ProcStat.of(task.resolve("stat"));
                    out.put(Long.parseLong(task.getFileName().toString()), Map.entry(group(stat.name()), stat.cpuTicks()));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while listing
                }
            });
        } catch (IOException notLinux) {
            // no per-thread CPU here
        }
        return out;
    }

    private static Map<Long, Map.Entry<String, Long>> allocatedBytes() {
        Map<Long, Map.Entry<String, Long>> out = new HashMap<>();
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)) return out;
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && bytes[i] >= 0) out.put(ids[i], Map.entry(group(infos[i].getThreadName()), bytes[i]));
        }
        return out;
    }
}
