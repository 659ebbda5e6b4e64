package vn.gov.lgsp.hub.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU went, from a JFR recording's execution samples: by thread pool (digits stripped from thread names),
 * by top frame (self time), and by the first frame of an interesting layer on the stack (inclusive time).
 */
final class JfrSummary {
    /** Layers in the order they are looked for, from the top of the stack down. */
    private static final String[][] LAYERS = {
            {"vn.gov.lgsp.hub.audit.", "hub audit (hash chain, masking, insert)"},
            {"vn.gov.lgsp.connector.", "connectors (mapping, partner calls)"},
            {"vn.gov.lgsp.hub.bench.", "benchmark driver"},
            {"com.networknt.schema.", "JSON Schema validation"},
            {"com.fasterxml.jackson.", "Jackson JSON"},
            {"org.postgresql.", "PostgreSQL JDBC driver"},
            {"com.zaxxer.hikari.", "Hikari pool"},
            {"org.apache.activemq.artemis.", "Artemis (client + embedded broker)"},
            {"org.springframework.jms.", "Spring JMS (listener container, JmsTemplate)"},
            {"org.apache.kafka.", "Kafka (client + embedded broker)"},
            {"kafka.", "Kafka (embedded broker)"},
            {"org.apache.hc.", "Apache httpclient5"},
            {"sun.net.httpserver.", "JDK HTTP server (simulators)"},
            {"org.apache.camel.", "Camel"},
            {"org.springframework.", "Spring (other)"},
            {"java.util.regex.", "regex"},
            {"sun.nio.ch.", "NIO / sockets"},
            {"java.", "JDK (other)"},
    };

    record Summary(long samples, Map<String, Long> byThread, Map<String, Long> byLayer, Map<String, Long> selfTop,
                   Map<String, Long> hubMethodsInclusive) {}

    static Summary summarise(Path recording) throws IOException {
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> byLayer = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> hub = new HashMap<>();
        long samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
            samples++;
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            byThread.merge(thread == null ? "?" : thread.replaceAll("\\d+", "#"), 1L, Long::sum);
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) continue;
            self.merge(name(frames.get(0)), 1L, Long::sum);
            String layer = "other";
            outer:
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                for (String[] l : LAYERS) {
                    if (type.startsWith(l[0])) {
                        layer = l[1];
                        break outer;
                    }
                }
            }
            byLayer.merge(layer, 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                if (type.startsWith("vn.gov.lgsp.") && !type.startsWith("vn.gov.lgsp.hub.bench.") && seen.add(name(f))) {
                    hub.merge(name(f), 1L, Long::sum);
                }
            }
        }
        return new Summary(samples, top(byThread, 15), top(byLayer, 20), top(self, 25), top(hub, 25));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static Map<String, Long> top(Map<String, Long> counts, int n) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .forEach(en -> out.put(en.getKey(), en.getValue()));
        return out;
    }

    static String text(Summary s) {
        StringBuilder b = new StringBuilder("JFR execution samples: " + s.samples() + "\n");
        section(b, "By thread pool", s.byThread(), s.samples());
        section(b, "By layer (first recognised frame from the top of the stack)", s.byLayer(), s.samples());
        section(b, "Top frames (self)", s.selfTop(), s.samples());
        section(b, "Hub/connector methods on the stack (inclusive)", s.hubMethodsInclusive(), s.samples());
        return b.toString();
    }

    private static void section(StringBuilder b, String title, Map<String, Long> m, long total) {
        b.append("\n").append(title).append(":\n");
        m.forEach((k, v) -> b.append(String.format("  %5.1f%%  %s%n", 100.0 * v / Math.max(1, total), k)));
    }

    public static void main(String[] args) throws IOException {
        System.out.print(text(summarise(Path.of(args[0]))));
    }
}
