package io.ratchet.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ratchet.chaos.check.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/chaos}: runs the scenarios one after another for {@code --duration} each (by default {@code mixed}:
 * every kind of fault, 10 ± 3 s apart), prints each verdict table, and writes {@code target/chaos/report.json}
 * and {@code report.html}. Exit code 0 when every invariant held, 1 when one did not, 2 for a usage error.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 120;
        long seed = System.nanoTime();
        List<String> scenarios = List.of("mixed");
        int rate = 50;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--duration" -> seconds = parseDuration(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--scenario" -> scenarios = List.of(args[++i].split(","));
                    case "--rate" -> rate = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("Unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("chaos: " + e.getMessage() + "; usage: bin/chaos [--duration 10m] [--seed N]"
                    + " [--scenario " + String.join(",", Nemesis.SCENARIOS) + "] [--rate 50]");
            System.exit(2);
        }
        Path repo = Path.of(System.getProperty("chaos.repo", ".")).toAbsolutePath().normalize();
        Path out = Files.createDirectories(repo.resolve("target/chaos"));
        List<ChaosRun.Result> results = new ArrayList<>();
        for (String scenario : scenarios) {
            System.out.printf("running %s for %d s, seed %d ...%n", scenario, seconds, seed);
            ChaosRun.Result result = new ChaosRun(scenario, seed, List.of())
                    .run(repo, Files.createTempDirectory("chaos-" + scenario), seconds, rate);
            System.out.print(result.table());
            results.add(result);
        }
        write(out, results);
        boolean held = results.stream().allMatch(ChaosRun.Result::held);
        System.out.println((held ? "every invariant held" : "AN INVARIANT WAS VIOLATED") + "; report: "
                + out.resolve("report.html") + " and " + out.resolve("report.json"));
        System.exit(held ? 0 : 1);
    }

    static int parseDuration(String text) {
        if (text.endsWith("m")) {
            return Integer.parseInt(text.substring(0, text.length() - 1)) * 60;
        }
        return Integer.parseInt(text.endsWith("s") ? text.substring(0, text.length() - 1) : text);
    }

    private static void write(Path out, List<ChaosRun.Result> results) throws Exception {
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder html = new StringBuilder("<!doctype html><meta charset='utf-8'>"
                + "<title>Ratchet chaos report</title><style>body{font:14px sans-serif;margin:2rem}"
                + "td,th{padding:.2rem .6rem;text-align:left}"
                + ".held{color:#067647}.violated{color:#b42318;font-weight:bold}</style><h1>Ratchet chaos report</h1>");
        for (ChaosRun.Result r : results) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("scenario", r.scenario());
            entry.put("seed", r.seed());
            entry.put("submitted", r.submitted());
            entry.put("acknowledged", r.acknowledged());
            entry.put("faults", r.faults());
            entry.put("leader_kill_to_first_commit_ms", r.recoveriesMs());
            entry.put("verdicts", r.verdicts().stream().map(v -> Map.of("invariant", v.invariant().number,
                    "statement", v.invariant().statement, "held", v.held(), "checked", v.checked(),
                    "counter_examples", v.counterExamples())).toList());
            json.add(entry);
            html.append("<h2>").append(escape(r.scenario())).append(", seed ").append(r.seed()).append("</h2><p>")
                    .append(r.submitted()).append(" transactions submitted, ").append(r.acknowledged())
                    .append(" acknowledged</p>").append(r.chartSvg()).append("<p>").append(escape(r.recovery()))
                    .append("</p><table><tr><th>invariant</th><th>verdict</th>")
                    .append("<th>counter-examples</th></tr>");
            for (Verdict v : r.verdicts()) {
                html.append("<tr><td>(").append(v.invariant().number).append(") ")
                        .append(escape(v.invariant().statement)).append("</td><td class='")
                        .append(v.held() ? "held'>held" : "violated'>VIOLATED").append("</td><td>")
                        .append(escape(String.join("; ", v.counterExamples()))).append("</td></tr>");
            }
            html.append("</table><h3>Faults</h3><table><tr><th>ms</th><th>fault</th><th>node</th></tr>");
            for (Nemesis.Fault f : r.faults()) {
                html.append("<tr><td>").append(f.atMs()).append("</td><td>").append(escape(f.what()))
                        .append("</td><td>").append(escape(f.node())).append("</td></tr>");
            }
            html.append("</table>");
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("report.json").toFile(),
                json);
        Files.writeString(out.resolve("report.html"), html);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
