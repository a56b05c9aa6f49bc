package io.ratchet.jmh.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ratchet.jmh.bench.NodeSampler.NodeSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The figures of a soak run: one row per sample, the verdict on flatness and the restart, written as
 * {@code soak.txt}, {@code soak.json} and {@code soak.svg}.
 */
final class SoakReport {

    /** The window of the flatness rule at most: the last 10 minutes against the 10-minute mark. */
    static final double WINDOW_S = 600;
    static final double FLAT_WITHIN = 0.10;
    private static final double MB = 1024 * 1024;
    private static final String[] COLORS = {"#2f5bd3", "#e07b00", "#2a9d3a"};

    /**
     * What the load saw in one sample interval (ending {@code second} s after the soak began) and the nodes at its
     * end.
     *
     * @param failed   submits that failed in the interval
     * @param heldBack submits the in-flight cap held back in the interval
     */
    record Sample(int second, double finishedPerS, double submitP50Ms, double submitP99Ms, long failed,
                  long heldBack, double endToEndP99Ms, List<NodeSample> nodes) {
        Sample {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * The flatness rule on one node's series: the mean after {@code durationS - windowS} against the value at the
     * {@code windowS} mark. {@code flat} is null when the series has no value at the mark or none in the last window.
     */
    record Flatness(String node, double windowS, double atMark, double lastMean, Boolean flat) {
        double change() {
            return atMark <= 0 ? 0 : (lastMean - atMark) / atMark;
        }
    }

    record Verdict(String rule, String heapMetric, List<Flatness> heap, List<Flatness> dataDir,
                   NodeSampler.Restart restart, List<String> exited) {
    }

    final BenchOptions options;
    private final List<Sample> samples = new ArrayList<>();
    NodeSampler.Restart restart;

    SoakReport(BenchOptions options) {
        this.options = options;
    }

    synchronized void add(Sample sample) {
        samples.add(sample);
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The flatness rule over {@code (t[i], v[i])}; values below 0 are missing. */
    static Flatness flatness(String node, double[] t, double[] v, double durationS) {
        double window = Math.min(WINDOW_S, durationS / 3);
        double atMark = -1;
        double sum = 0;
        int n = 0;
        for (int i = 0; i < t.length; i++) {
            if (v[i] < 0) {
                continue;
            }
            if (atMark < 0 && t[i] >= window) {
                atMark = v[i];
            }
            if (t[i] > durationS - window) {
                sum += v[i];
                n++;
            }
        }
        if (atMark <= 0 || n == 0) {
            return new Flatness(node, window, atMark, n == 0 ? -1 : sum / n, null);
        }
        double mean = sum / n;
        return new Flatness(node, window, atMark, mean, Math.abs(mean - atMark) <= FLAT_WITHIN * atMark);
    }

    private List<Flatness> flatness(ToLongFunction<NodeSample> value) {
        List<Sample> all = samples();
        List<Flatness> result = new ArrayList<>();
        for (int i = 0; i < nodeIds().size(); i++) {
            int node = i;
            double[] t = all.stream().mapToDouble(Sample::second).toArray();
            double[] v = all.stream().mapToDouble(s -> value.applyAsLong(s.nodes().get(node))).toArray();
            result.add(flatness(nodeIds().get(i), t, v, options.soak().durationS()));
        }
        return result;
    }

    Verdict verdict() {
        List<String> exited = new ArrayList<>();
        for (Sample s : samples()) {
            s.nodes().stream().filter(n -> !n.alive() && !exited.contains(n.id())).forEach(n -> exited.add(n.id()));
        }
        double window = Math.min(WINDOW_S, options.soak().durationS() / 3.0);
        return new Verdict(String.format(Locale.ROOT, "per node, the mean after %.0f s within %.0f%% of the value at"
                        + " %.0f s", options.soak().durationS() - window, 100 * FLAT_WITHIN, window), heapLabel(),
                flatness(NodeSample::heapBytes), flatness(NodeSample::dataBytes), restart, exited);
    }

    /** Whether the run itself failed: a node exited by itself, so the later figures mean nothing. */
    boolean failed() {
        return !verdict().exited().isEmpty();
    }

    private List<String> nodeIds() {
        List<Sample> all = samples();
        return all.isEmpty() ? List.of() : all.get(0).nodes().stream().map(NodeSample::id).toList();
    }

    private String heapLabel() {
        boolean afterGc = samples().stream().flatMap(s -> s.nodes().stream()).filter(n -> n.heapBytes() >= 0)
                .allMatch(NodeSample::heapAfterGc);
        return afterGc ? "heap used after the last GC" : "heap used (no after-GC gauge)";
    }

    private String storedLabel() {
        boolean finished = samples().stream().flatMap(s -> s.nodes().stream()).filter(n -> n.stored() >= 0)
                .allMatch(n -> n.storedKey().equals(NodeSampler.FINISHED_STORED));
        return finished ? "finished transactions stored" : "all transactions stored (no finished-stored gauge)";
    }

    String header() {
        String ids = String.join("/", nodeIds());
        return String.format(Locale.ROOT, "heap: %s; stored: %s%n", heapLabel(), storedLabel())
                + String.format(Locale.ROOT, "%6s %6s %7s %7s %5s %5s | %-17s | %-17s | %-17s | %-18s | %-11s %8s |"
                        + " %-9s | %s%n", "t s", "fin/s", "p50 ms", "p99 ms", "fail", "held", "heap MB", "RSS MB",
                "data-dir MB", "raft/jrnl/store MB", "snapshots", "p99 ms", "checkpt", "stored")
                + String.format(Locale.ROOT, "%42s | %-17s | %-17s | %-17s | %-18s | %-11s %8s | %-9s | %s%n", "",
                ids, ids, ids, "mean of the nodes", ids, "max", "n, p99", "max");
    }

    String row(Sample s) {
        List<NodeSample> n = s.nodes();
        double snapshotP99 = n.stream().map(NodeSample::snapshots).filter(Objects::nonNull)
                .mapToDouble(NodeSampler.Timer::p99Ms).max().orElse(-1);
        NodeSampler.Timer checkpoint = n.stream().map(NodeSample::checkpoints).filter(Objects::nonNull)
                .max(java.util.Comparator.comparingLong(NodeSampler.Timer::count)).orElse(null);
        return String.format(Locale.ROOT, "%6d %6.0f %7.1f %7.1f %5d %5d | %-17s | %-17s | %-17s | %-18s | %-11s %8s |"
                        + " %-9s | %s%n", s.second(), s.finishedPerS(), s.submitP50Ms(), s.submitP99Ms(), s.failed(),
                s.heldBack(), perNode(n, NodeSample::heapBytes), perNode(n, NodeSample::rssBytes),
                perNode(n, NodeSample::dataBytes),
                String.format(Locale.ROOT, "%.0f/%.0f/%.0f", mean(n, NodeSample::raftBytes),
                        mean(n, NodeSample::journalBytes), mean(n, NodeSample::storeBytes)),
                n.stream().map(x -> x.snapshots() == null ? "-" : String.valueOf(x.snapshots().count()))
                        .reduce((a, b) -> a + "/" + b).orElse("-"),
                snapshotP99 < 0 ? "-" : String.format(Locale.ROOT, "%.0f", snapshotP99),
                checkpoint == null ? "-" : String.format(Locale.ROOT, "%d, %.0f", checkpoint.count(),
                        checkpoint.p99Ms()),
                n.stream().mapToLong(NodeSample::stored).max().orElse(-1));
    }

    private static String perNode(List<NodeSample> nodes, ToLongFunction<NodeSample> bytes) {
        return nodes.stream().map(n -> bytes.applyAsLong(n) < 0 ? "-"
                : String.format(Locale.ROOT, "%.0f", bytes.applyAsLong(n) / MB)).reduce((a, b) -> a + "/" + b)
                .orElse("-");
    }

    private static double mean(List<NodeSample> nodes, ToLongFunction<NodeSample> bytes) {
        return nodes.stream().mapToLong(bytes).filter(b -> b >= 0).average().orElse(0) / MB;
    }

    String table() {
        StringBuilder t = new StringBuilder(header());
        samples().forEach(s -> t.append(row(s)));
        return t.append(verdictText()).toString();
    }

    String verdictText() {
        Verdict v = verdict();
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%nverdict (information; flat = %s):%n",
                v.rule()));
        t.append(flatnessLine(v.heapMetric(), v.heap()));
        t.append(flatnessLine("data-dir bytes", v.dataDir()));
        NodeSampler.Restart r = v.restart();
        if (r != null) {
            t.append(String.format(Locale.ROOT, "  restart of follower %s after SIGKILL: %s (first status answer %s;"
                            + " applied %d, leader's commit index at the restart %d)%n", r.node(),
                    r.servingS() < 0 ? "NOT serving by the deadline" : String.format(Locale.ROOT,
                            "serving in %.1f s", r.servingS()),
                    r.firstAnswerS() < 0 ? "none" : String.format(Locale.ROOT, "%.1f s", r.firstAnswerS()),
                    r.appliedIndex(), r.leaderCommitIndex()));
        }
        if (!v.exited().isEmpty()) {
            t.append("  nodes that EXITED by themselves during the soak: ").append(v.exited()).append('\n');
        }
        return t.toString();
    }

    private static String flatnessLine(String what, List<Flatness> all) {
        StringBuilder t = new StringBuilder();
        for (Flatness f : all) {
            t.append(String.format(Locale.ROOT, "  %-30s %-3s ", what, f.node())).append(f.flat() == null
                    ? "too few samples" : String.format(Locale.ROOT, "%.1f MB at %.0f s -> mean %.1f MB (%+.1f%%): %s",
                    f.atMark() / MB, f.windowS(), f.lastMean() / MB, 100 * f.change(),
                    f.flat() ? "flat" : f.change() > 0 ? "GROWING" : "SHRINKING")).append('\n');
        }
        return t.toString();
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("options", options);
        json.put("node_args", options.soak().nodeArgs());
        json.put("samples", samples());
        json.put("verdict", verdict());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("soak.json").toFile(), json);
        Files.writeString(dir.resolve("soak.txt"), table());
        Files.writeString(dir.resolve("soak.svg"), svg());
    }

    String svg() {
        List<Sample> all = samples();
        List<Chart.Series> heap = new ArrayList<>();
        List<Chart.Series> data = new ArrayList<>();
        for (int i = 0; i < nodeIds().size(); i++) {
            int node = i;
            heap.add(nodeSeries(all, node, n -> n.heapBytes() / MB));
            data.add(nodeSeries(all, node, n -> n.dataBytes() / MB));
        }
        double[] t = all.stream().mapToDouble(Sample::second).toArray();
        Chart.Series finished = new Chart.Series(COLORS[0], t, all.stream().mapToDouble(Sample::finishedPerS)
                .toArray());
        List<String> legend = new ArrayList<>();
        for (int i = 0; i < nodeIds().size(); i++) {
            legend.add(nodeIds().get(i) + " " + List.of("blue", "orange", "green").get(i % COLORS.length));
        }
        return Chart.svg(List.of(new Chart.Panel(heapLabel() + " (MB), per node", heap),
                new Chart.Panel("data-dir bytes (MB), per node", data),
                new Chart.Panel("sagas finished per second", List.of(finished))), options.soak().durationS(),
                String.join(", ", legend) + "; x: seconds since the soak began (after the warm-up)");
    }

    /** Node {@code node}'s values over the samples, leaving out those it did not answer. */
    private static Chart.Series nodeSeries(List<Sample> all, int node, ToDoubleFunction<NodeSample> value) {
        List<Sample> present = all.stream().filter(s -> value.applyAsDouble(s.nodes().get(node)) >= 0).toList();
        return new Chart.Series(COLORS[node % COLORS.length], present.stream().mapToDouble(Sample::second).toArray(),
                present.stream().mapToDouble(s -> value.applyAsDouble(s.nodes().get(node))).toArray());
    }
}
