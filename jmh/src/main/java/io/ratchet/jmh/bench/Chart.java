package io.ratchet.jmh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Panels of SVG line charts over one clock. The bench draws two: operations completed per second and their p99
 * latency per second; the soak draws the nodes' heap, data directories and the sagas finished per second.
 */
final class Chart {

    /** One line: points {@code (x[i], y[i])}. */
    record Series(String color, double[] x, double[] y) {
    }

    /** A titled panel; its y axis runs from 0 to the largest value of its series. */
    record Panel(String title, List<Series> series) {
    }

    private static final int W = 900;
    private static final int PANEL = 220;
    private static final int LEFT = 70;

    private Chart() {
    }

    /** The bench's chart: completions and p99 per second of each phase, placed on the run's clock. */
    static String svg(List<Report.Placed> phases) {
        long end = phases.stream().mapToLong(p -> p.startSecond() + p.result().timeline().size()).max().orElse(1);
        List<Series> rates = new ArrayList<>();
        List<Series> p99s = new ArrayList<>();
        for (Report.Placed p : phases) {
            List<Load.Second> timeline = p.result().timeline();
            if (timeline.isEmpty()) {
                continue;
            }
            String color = p.result().name().startsWith("http") ? "#999" : "#2f5bd3";
            double[] x = timeline.stream().mapToDouble(s -> p.startSecond() + s.second()).toArray();
            rates.add(new Series(color, x, timeline.stream().mapToDouble(Load.Second::completed).toArray()));
            p99s.add(new Series(color, x, timeline.stream().mapToDouble(Load.Second::p99Ms).toArray()));
        }
        return svg(List.of(new Panel("operations completed per second", rates),
                new Panel("p99 latency per second (ms)", p99s)), end, "blue: Ratchet sagas (submits answered);"
                + " grey: HTTP ceiling (round trips of a saga); x: seconds since the run began");
    }

    /** {@code panels} one below the other, x from 0 to {@code xEnd}, and {@code caption} under them. */
    static String svg(List<Panel> panels, double xEnd, String caption) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='11'>%n",
                W + 20, panels.size() * (PANEL + 40) + 50));
        int top = 20;
        for (Panel p : panels) {
            panel(s, top, p, Math.max(1, xEnd));
            top += PANEL + 40;
        }
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>%s</text>%n", LEFT, top + 10, caption));
        return s.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder s, int top, Panel panel, double end) {
        double max = Math.max(1, panel.series().stream().flatMapToDouble(r -> java.util.Arrays.stream(r.y()))
                .max().orElse(1));
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-weight='bold'>%s</text>%n", LEFT, top,
                panel.title()));
        int y0 = top + 10;
        s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#ccc'/>%n",
                LEFT, y0, W - LEFT, PANEL));
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='end'>%.0f</text>%n", LEFT - 4, y0 + 10, max));
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='end'>0</text>%n", LEFT - 4, y0 + PANEL));
        for (Series r : panel.series()) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < r.x().length; i++) {
                double x = LEFT + (W - LEFT) * r.x()[i] / end;
                double y = y0 + PANEL - PANEL * Math.min(1, Math.max(0, r.y()[i]) / max);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='%s'/>%n",
                    r.color(), points));
        }
    }
}
