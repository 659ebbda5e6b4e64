package vn.gov.lgsp.hub.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/** report.png: throughput (hub vs ceilings) on the left, latency percentiles (hub vs ceiling) on the right. */
final class Chart {
    private static final Color HUB = new Color(0x1f77b4);
    private static final Color CEILING = new Color(0xff7f0e);
    private static final Color CEILING_ARTEMIS = new Color(0x2ca02c);

    @SuppressWarnings("unchecked")
    static void write(Map<String, Object> report, int rate, Path file) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, Object> phases = (Map<String, Object>) report.get("phases");
        BufferedImage img = new BufferedImage(1200, 560, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("LGSP hub benchmark, " + report.get("date").toString().substring(0, 16) + ", "
                + ((Map<String, Object>) report.get("machine")).get("cores") + " cores, everything co-located", 20, 28);

        Map<String, double[]> tput = new LinkedHashMap<>();
        tput.put("flat out", new double[] {v(phases, "hub_flat_out", "events_per_s"), v(phases, "ceiling_flat_out", "events_per_s"),
                v(phases, "ceiling_artemis_flat_out", "events_per_s")});
        tput.put("portal 50 ms", new double[] {v(phases, "hub_portal_50ms", "events_per_s"), v(phases, "ceiling_portal_50ms", "events_per_s"), Double.NaN});
        // whole lifecycles (every partner): the hub's alone, the ceilings do the two-call workload only
        tput.put("lifecycles", new double[] {v(phases, "hub_lifecycles_flat_out", "events_per_s"), Double.NaN, Double.NaN});
        bars(g, 40, 70, 520, 420, "Throughput (events/s, end to end)", tput, false);

        Map<String, double[]> lat = new LinkedHashMap<>();
        for (String p : new String[] {"p50", "p95", "p99"}) {
            lat.put(p + " @" + rate + "/s", new double[] {v(phases, "hub_rate_" + rate, "latency_" + p + "_ms"),
                    v(phases, "ceiling_rate_" + rate, "latency_" + p + "_ms"), Double.NaN});
        }
        // log scale: the hub and the ceiling differ by orders of magnitude when the hub falls behind
        bars(g, 640, 70, 520, 420, "Latency at " + rate + "/s offered (ms, log scale, published -> last update)", lat, true);

        int y = 530;
        legend(g, 40, y, HUB, "hub");
        legend(g, 140, y, CEILING, "ceiling (hand-written, no framework)");
        legend(g, 470, y, CEILING_ARTEMIS, "ceiling + durable Artemis step");
        Map<String, Object> ratios = (Map<String, Object>) report.get("ratios");
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("hub/ceiling " + ratios.get("throughput_hub_over_ceiling") + ", hub/(ceiling+Artemis) "
                + ratios.get("throughput_hub_over_ceiling_with_artemis"), 780, y + 5);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    @SuppressWarnings("unchecked")
    private static double v(Map<String, Object> phases, String phase, String key) {
        Map<String, Object> p = (Map<String, Object>) phases.get(phase);
        return p == null ? Double.NaN : ((Number) p.get(key)).doubleValue();
    }

    private static void bars(Graphics2D g, int x, int y, int w, int h, String title, Map<String, double[]> groups, boolean log) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, x, y);
        double max = 1;
        for (double[] vs : groups.values()) for (double d : vs) if (Double.isFinite(d)) max = Math.max(max, d);
        int top = y + 20;
        int base = y + h - 30;
        g.setStroke(new BasicStroke(1));
        g.drawLine(x + 50, base, x + w, base);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        // log scale from 1 to the next power of ten above the largest value
        double decades = log ? Math.max(1, Math.ceil(Math.log10(max))) : 4;
        for (int i = 0; i <= (int) decades; i++) {
            int yy = base - (int) ((base - top) * i / decades);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x + 50, yy, x + w, yy);
            g.setColor(Color.GRAY);
            g.drawString(String.format("%.0f", log ? Math.pow(10, i) : max * i / 4), x, yy + 4);
        }
        int groupW = (w - 60) / groups.size();
        int gi = 0;
        Color[] colors = {HUB, CEILING, CEILING_ARTEMIS};
        for (var en : groups.entrySet()) {
            int gx = x + 60 + gi * groupW;
            int barW = (groupW - 20) / 3;
            for (int b = 0; b < 3; b++) {
                double d = en.getValue()[b];
                if (!Double.isFinite(d)) continue;
                int bh = log ? (int) ((base - top) * Math.max(0, Math.log10(Math.max(1, d))) / decades)
                        : (int) ((base - top) * d / max);
                g.setColor(colors[b]);
                g.fillRect(gx + b * barW, base - bh, barW - 4, bh);
                g.setColor(Color.BLACK);
                g.drawString(String.format(d >= 100 ? "%.0f" : "%.1f", d), gx + b * barW, base - bh - 4);
            }
            g.setColor(Color.BLACK);
            g.drawString(en.getKey(), gx, base + 16);
            gi++;
        }
    }

    private static void legend(Graphics2D g, int x, int y, Color c, String label) {
        g.setColor(c);
        g.fillRect(x, y - 10, 12, 12);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(label, x + 18, y);
    }
}
