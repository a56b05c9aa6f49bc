package io.ratchet.jmh.bench;

import java.util.List;
import java.util.Locale;

/** Two panels of SVG over the run's clock: operations completed per second, and their p99 latency per second. */
final class Chart {

    private static final int W = 900;
    private static final int PANEL = 220;
    private static final int LEFT = 70;

    private Chart() {
    }

    static String svg(List<Report.Placed> phases) {
        long end = phases.stream().mapToLong(p -> p.startSecond() + p.result().timeline().size()).max().orElse(1);
        double maxRate = Math.max(1, phases.stream().flatMap(p -> p.result().timeline().stream())
                .mapToDouble(Load.Second::completed).max().orElse(1));
        double maxP99 = Math.max(1, phases.stream().flatMap(p -> p.result().timeline().stream())
                .mapToDouble(Load.Second::p99Ms).max().orElse(1));
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='11'>%n",
                W + 20, 2 * PANEL + 90));
        panel(s, 20, "operations completed per second", phases, end, maxRate, false);
        panel(s, PANEL + 60, "p99 latency per second (ms)", phases, end, maxP99, true);
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>blue: Ratchet sagas (submits answered);"
                + " grey: HTTP ceiling (round trips of a saga); x: seconds since the run began</text>%n",
                LEFT, 2 * PANEL + 80));
        return s.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder s, int top, String title, List<Report.Placed> phases, long end, double max,
                              boolean latency) {
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-weight='bold'>%s</text>%n", LEFT, top, title));
        int y0 = top + 10;
        s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#ccc'/>%n",
                LEFT, y0, W - LEFT, PANEL));
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='end'>%.0f</text>%n", LEFT - 4, y0 + 10, max));
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='end'>0</text>%n", LEFT - 4, y0 + PANEL));
        for (Report.Placed p : phases) {
            if (p.result().timeline().isEmpty()) {
                continue;
            }
            String color = p.result().name().startsWith("http") ? "#999" : "#2f5bd3";
            StringBuilder points = new StringBuilder();
            for (Load.Second sec : p.result().timeline()) {
                double x = LEFT + (double) (W - LEFT) * (p.startSecond() + sec.second()) / end;
                double v = latency ? sec.p99Ms() : sec.completed();
                double y = y0 + PANEL - PANEL * Math.min(1, v / max);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='%s'/>%n",
                    color, points));
        }
    }
}
