package io.ratchet.jmh.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The figures of one run: the table on stdout, {@code bench.json} and {@code bench.svg}. */
final class Report {

    /** A phase placed on the run's clock, for the chart. */
    record Placed(long startSecond, Load.Result result) {
    }

    /** A Ratchet phase: the submits, and the sagas the business service saw finish. */
    record SagaPhase(Load.Result submits, long sagasFinished, double finishedPerSecond, Histogram endToEndMicros,
                     long lostAfterDrain) {
    }

    static final double TARGET_SAGAS = 5_000;
    static final double FLOOR_SAGAS = 3_000;
    static final double TARGET_P99_MS = 25;
    static final double TARGET_SHARE_OF_HTTP = 0.25;

    final BenchOptions options;
    final List<Load.Result> httpCeilings = new ArrayList<>();
    final List<Load.Result> raftCeilings = new ArrayList<>();
    final List<SagaPhase> saturation = new ArrayList<>();
    SagaPhase fixedRate;
    double offeredRate;
    final List<Placed> placed = new ArrayList<>();
    /** CPU ms by process over the saturation phases (and their drain), and the sagas they finished. */
    final Map<String, Long> cpuMillis = new LinkedHashMap<>();
    long cpuSagas;
    /** With --profile: the nodes' JFR samples at saturation, and the recordings they came from. */
    Profile profile;
    final List<Path> recordings = new ArrayList<>();

    Report(BenchOptions options) {
        this.options = options;
    }

    void addCpu(Map<String, Long> before, Map<String, Long> after, long sagas) {
        after.forEach((name, ms) -> cpuMillis.merge(name, ms - before.getOrDefault(name, 0L), Long::sum));
        cpuSagas += sagas;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double httpCeiling() {
        return median(httpCeilings.stream().map(Load.Result::rate).toList());
    }

    double raftCeiling() {
        return median(raftCeilings.stream().map(Load.Result::rate).toList());
    }

    double sagaRate() {
        return median(saturation.stream().map(SagaPhase::finishedPerSecond).toList());
    }

    private static String ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static String held(boolean ok) {
        return ok ? "held" : "MISSED";
    }

    String table() {
        int commandsPerSaga = 1 + options.branches();
        double sagas = sagaRate();
        SagaPhase last = saturation.get(saturation.size() - 1);
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%n%-56s %14s %14s%n", "what (medians over " + options.rounds()
                + " rounds, " + options.branches() + "-branch sagas)", "Ratchet", "ceiling"));
        t.append(String.format(Locale.ROOT, "%-56s %14.0f %14.0f   %.0f%% of the HTTP ceiling%n",
                "sagas/s at saturation vs HTTP round trips of a saga /s", sagas, httpCeiling(),
                100 * sagas / Math.max(1, httpCeiling())));
        t.append(String.format(Locale.ROOT, "%-56s %14.0f %14.0f   %.0f%% of the Raft ceiling%n",
                "replicated commands/s (" + commandsPerSaga + " a saga) vs raw raft-log", sagas * commandsPerSaga,
                raftCeiling(), 100 * sagas * commandsPerSaga / Math.max(1, raftCeiling())));
        t.append(String.format(Locale.ROOT, "%-56s %14.0f%n", "submits answered/s at saturation",
                median(saturation.stream().map(p -> p.submits().rate()).toList())));
        t.append(String.format(Locale.ROOT, "%-56s %14s%n", "submit latency p50 / p99 / p999 ms at saturation",
                ms(last.submits().latencyMicros(), 50) + " / " + ms(last.submits().latencyMicros(), 99) + " / "
                        + ms(last.submits().latencyMicros(), 99.9)));
        t.append(String.format(Locale.ROOT, "%-56s %14s%n", "submit -> succeed p50 / p99 ms at saturation",
                ms(last.endToEndMicros(), 50) + " / " + ms(last.endToEndMicros(), 99)));
        if (fixedRate != null) {
            t.append(String.format(Locale.ROOT, "%-56s %14.0f%n", "offered sagas/s (fixed rate)", offeredRate));
            t.append(String.format(Locale.ROOT, "%-56s %14.0f%n", "sagas/s finished at that rate",
                    fixedRate.finishedPerSecond()));
            t.append(String.format(Locale.ROOT, "%-56s %14s%n", "submit latency p50 / p99 / p999 ms at that rate",
                    ms(fixedRate.submits().latencyMicros(), 50) + " / " + ms(fixedRate.submits().latencyMicros(), 99)
                            + " / " + ms(fixedRate.submits().latencyMicros(), 99.9)));
            t.append(String.format(Locale.ROOT, "%-56s %14s%n", "submit -> succeed p50 / p99 ms at that rate",
                    ms(fixedRate.endToEndMicros(), 50) + " / " + ms(fixedRate.endToEndMicros(), 99)));
        }
        t.append(String.format(Locale.ROOT, "%-56s %13.2f%%%n", "sagas failed (refused, errors, unfinished)",
                100 * failedShare()));
        if (cpuSagas > 0) {
            t.append(String.format(Locale.ROOT, "%nCPU ms per saga at saturation, by process (%d sagas):", cpuSagas));
            long total = 0;
            for (Map.Entry<String, Long> e : cpuMillis.entrySet()) {
                t.append(String.format(Locale.ROOT, " %s %.2f,", e.getKey(), e.getValue() / (double) cpuSagas));
                total += e.getValue();
            }
            t.append(String.format(Locale.ROOT, " total %.2f%n", total / (double) cpuSagas));
        }
        if (profile != null) {
            t.append(profile.text());
        }
        t.append(String.format(Locale.ROOT, "%ntargets: sagas/s >= %.0f (floor %.0f): %s; submit p99 <= %.0f ms at half"
                        + " saturation: %s; >= %.0f%% of the HTTP ceiling: %s%n", TARGET_SAGAS, FLOOR_SAGAS,
                sagas >= TARGET_SAGAS ? "held" : sagas >= FLOOR_SAGAS ? "floor held" : "MISSED", TARGET_P99_MS,
                fixedRate == null || fixedRate.submits().latencyMicros().getTotalCount() == 0 ? "not measured"
                        : held(fixedRate.submits().latencyMicros().getValueAtPercentile(99) / 1000.0 <= TARGET_P99_MS),
                100 * TARGET_SHARE_OF_HTTP, held(sagas >= TARGET_SHARE_OF_HTTP * httpCeiling())));
        return t.toString();
    }

    double failedShare() {
        long attempted = 0;
        long failed = 0;
        List<SagaPhase> all = new ArrayList<>(saturation);
        if (fixedRate != null) {
            all.add(fixedRate);
        }
        for (SagaPhase p : all) {
            attempted += p.submits().completed() + p.submits().failed();
            failed += p.submits().failed() + p.lostAfterDrain();
        }
        return attempted == 0 ? 0 : (double) failed / attempted;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("options", options);
        json.put("http_ceiling_saga_equivalents_per_s", httpCeilings.stream().map(Load.Result::rate).toList());
        json.put("raft_ceiling_commands_per_s", raftCeilings.stream().map(Load.Result::rate).toList());
        json.put("saturation_sagas_per_s", saturation.stream().map(SagaPhase::finishedPerSecond).toList());
        json.put("saturation_submits_per_s", saturation.stream().map(p -> p.submits().rate()).toList());
        json.put("median_sagas_per_s", sagaRate());
        json.put("median_http_ceiling", httpCeiling());
        json.put("median_raft_ceiling", raftCeiling());
        json.put("failed_share", failedShare());
        json.put("cpu_ms_by_process_at_saturation", cpuMillis);
        json.put("sagas_at_saturation", cpuSagas);
        SagaPhase last = saturation.get(saturation.size() - 1);
        json.put("saturation_submit_ms", percentiles(last.submits().latencyMicros()));
        json.put("saturation_end_to_end_ms", percentiles(last.endToEndMicros()));
        if (fixedRate != null) {
            json.put("fixed_rate_offered", offeredRate);
            json.put("fixed_rate_sagas_per_s", fixedRate.finishedPerSecond());
            json.put("fixed_rate_submit_ms", percentiles(fixedRate.submits().latencyMicros()));
            json.put("fixed_rate_end_to_end_ms", percentiles(fixedRate.endToEndMicros()));
        }
        if (profile != null) {
            json.put("profile", profile);
        }
        json.put("timeline", placed.stream().map(p -> Map.of("phase", p.result().name(), "start_s", p.startSecond(),
                "seconds", p.result().timeline())).toList());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("bench.json").toFile(), json);
        Files.writeString(dir.resolve("bench.txt"), table());
        Files.writeString(dir.resolve("bench.svg"), Chart.svg(placed));
        for (Path recording : recordings) {
            Files.copy(recording, dir.resolve(recording.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Map<String, Double> percentiles(Histogram h) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (double p : new double[]{50, 99, 99.9}) {
            m.put("p" + (p == 99.9 ? "999" : String.valueOf((int) p)), h.getTotalCount() == 0 ? null
                    : h.getValueAtPercentile(p) / 1000.0);
        }
        return m;
    }
}
