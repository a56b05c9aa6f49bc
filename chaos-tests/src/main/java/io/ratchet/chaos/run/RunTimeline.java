package io.ratchet.chaos.run;

import io.ratchet.chaos.run.Nemesis.Fault;
import io.ratchet.chaos.run.Workload.Submit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What the clients saw over a run, second by second, against the faults: the report's chart, and the time from each
 * leader kill to the first commit after it.
 */
final class RunTimeline {

    /** One second of the run, by when submits were answered. */
    record Second(int second, int acknowledged, int unacknowledged, long p50Ms, long p99Ms) {
    }

    private final List<Submit> submits;
    private final long startNanos;
    private final List<Fault> faults;

    RunTimeline(List<Submit> submits, long startNanos, List<Fault> faults) {
        this.submits = List.copyOf(submits);
        this.startNanos = startNanos;
        this.faults = List.copyOf(faults);
    }

    /**
     * For each leader kill, ms until the first acknowledgment of a submit sent after it: a commit the new leader made
     * (acknowledged means committed, and nothing sent after the kill can have been committed by the dead leader).
     * At worst one pacing gap of the workload later than the commit itself. A kill with no such acknowledgment
     * before the run ended is left out.
     */
    List<Long> leaderKillRecoveriesMs() {
        List<Long> recoveries = new ArrayList<>();
        for (Fault f : faults) {
            if (!f.what().equals(Fault.LEADER_KILL)) {
                continue;
            }
            long killNanos = startNanos + f.atMs() * 1_000_000;
            submits.stream().filter(s -> s.acknowledged() && s.sentNanos() >= killNanos)
                    .mapToLong(Submit::answeredNanos).min()
                    .ifPresent(answered -> recoveries.add((answered - killNanos) / 1_000_000));
        }
        return recoveries;
    }

    List<Second> seconds() {
        int last = (int) (submits.stream().mapToLong(s -> s.answeredNanos() - startNanos).max().orElse(0)
                / 1_000_000_000L);
        List<List<Long>> latencies = new ArrayList<>();
        int[] unacknowledged = new int[last + 1];
        for (int i = 0; i <= last; i++) {
            latencies.add(new ArrayList<>());
        }
        for (Submit s : submits) {
            int second = (int) Math.max(0, (s.answeredNanos() - startNanos) / 1_000_000_000L);
            if (s.acknowledged()) {
                latencies.get(second).add((s.answeredNanos() - s.sentNanos()) / 1_000_000);
            } else {
                unacknowledged[second]++;
            }
        }
        List<Second> seconds = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            long[] sorted = latencies.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
            seconds.add(new Second(i, sorted.length, unacknowledged[i], percentile(sorted, 0.50),
                    percentile(sorted, 0.99)));
        }
        return seconds;
    }

    /** Median and maximum of the values; empty when there are none. */
    static long[] medianAndMax(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? new long[0] : new long[]{percentile(sorted, 0.5), sorted[sorted.length - 1]};
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /**
     * An SVG chart: acknowledged submits a second (top), submit latency p50 and p99 on a log scale (bottom), and a
     * vertical line at every fault, its description in the tooltip.
     */
    String svg() {
        List<Second> seconds = seconds();
        int width = 1000;
        int left = 60;
        int plot = width - left - 20;
        double span = Math.max(1, seconds.size());
        long maxRate = Math.max(1, seconds.stream().mapToLong(Second::acknowledged).max().orElse(1));
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='380' font-family='sans-serif' font-size='11'>"
                        + "<rect width='100%%' height='100%%' fill='white'/>", width));
        svg.append(axis(left, 20, plot, 140, "acknowledged / s", "0", Long.toString(maxRate)));
        svg.append(axis(left, 200, plot, 140, "submit latency (log)", "1 ms", "30 s"));
        svg.append(line(seconds, left, plot, span, s -> s.acknowledged() == 0 && s.unacknowledged() == 0 ? -1
                : 160 - 140.0 * s.acknowledged() / maxRate, "#1f6feb"));
        svg.append(line(seconds, left, plot, span, s -> latencyY(s.p50Ms(), s.acknowledged()), "#2da44e"));
        svg.append(line(seconds, left, plot, span, s -> latencyY(s.p99Ms(), s.acknowledged()), "#cf222e"));
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='375' fill='#2da44e'>p50</text>"
                + "<text x='%d' y='375' fill='#cf222e'>p99</text><text x='%d' y='375' fill='#8250df'>faults</text>",
                left, left + 40, left + 80));
        for (Fault f : faults) {
            double x = left + plot * (f.atMs() / 1000.0) / span;
            svg.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='20' x2='%.1f' y2='340' stroke='#8250df'"
                    + " stroke-dasharray='3,3' stroke-width='1'><title>%.1f s: %s %s</title></line>",
                    x, x, f.atMs() / 1000.0, escape(f.what()), escape(f.node())));
        }
        return svg.append("</svg>").toString();
    }

    private static double latencyY(long ms, int count) {
        if (count == 0) {
            return -1;
        }
        double decades = Math.log10(Math.max(1, Math.min(30_000, ms))) / Math.log10(30_000);
        return 340 - 140 * decades;
    }

    private static String axis(int left, int top, int plot, int height, String label, String low, String high) {
        return String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#d0d7de'/>"
                        + "<text x='%d' y='%d' text-anchor='end'>%s</text><text x='%d' y='%d' text-anchor='end'>%s</text>"
                        + "<text x='%d' y='%d'>%s</text>", left, top, plot, height, left - 4, top + height, low,
                left - 4, top + 10, high, left + 4, top - 4, label);
    }

    private static String line(List<Second> seconds, int left, int plot, double span,
                               ToDoubleFunction<Second> y, String color) {
        StringBuilder points = new StringBuilder();
        for (Second s : seconds) {
            double value = y.applyAsDouble(s);
            if (value >= 0) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + plot * (s.second() + 0.5) / span, value));
            }
        }
        return "<polyline fill='none' stroke='" + color + "' stroke-width='1.5' points='" + points.toString().trim()
                + "'/>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
