package io.ratchet.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ratchet.chaos.check.Checker;
import io.ratchet.chaos.check.History;
import io.ratchet.chaos.check.Verdict;
import io.ratchet.chaos.harness.ChaosCluster;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One chaos scenario: three nodes and the bank, the workload for {@code seconds} while the nemesis hurts the
 * cluster, then (faults stopped, every node up) a wait of at most 30 s for every acknowledged saga to end, and
 * the checker's verdicts on what the clients were told, what every node holds and what the bank applied.
 */
public final class ChaosRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ACCOUNTS = 50;
    private static final long BALANCE = 1_000_000;
    private static final long JOURNAL_RANGE = 1_000;

    /** Targets of the time from a leader kill to the first commit after it, ms: median and maximum. */
    static final long RECOVERY_MEDIAN_TARGET_MS = 1_000;
    static final long RECOVERY_MAX_TARGET_MS = 3_000;

    /**
     * What a run found.
     *
     * @param recoveriesMs per leader kill, ms until the first commit after it (see {@link RunTimeline})
     * @param chartSvg     throughput and latency over the run with the faults drawn on it
     */
    public record Result(String scenario, long seed, long submitted, long acknowledged,
                         List<Nemesis.Fault> faults, List<Verdict> verdicts, List<Long> recoveriesMs, String chartSvg,
                         Path dir) {
        public boolean held() {
            return verdicts.stream().allMatch(Verdict::held);
        }

        /** The recovery line of the table, or "" without leader kills. */
        public String recovery() {
            long[] mm = RunTimeline.medianAndMax(recoveriesMs);
            if (mm.length == 0) {
                return "";
            }
            return String.format(Locale.ROOT, "leader kill -> first commit after it: median %d ms (target <= %d: %s),"
                            + " max %d ms (target <= %d: %s), over %d kills", mm[0], RECOVERY_MEDIAN_TARGET_MS,
                    mm[0] <= RECOVERY_MEDIAN_TARGET_MS ? "met" : "MISSED", mm[1], RECOVERY_MAX_TARGET_MS,
                    mm[1] <= RECOVERY_MAX_TARGET_MS ? "met" : "MISSED", recoveriesMs.size());
        }

        public long kills() {
            return Nemesis.leaderKills(faults);
        }

        /** The verdict table, one line per invariant, with the first counter-examples of those that failed. */
        public String table() {
            StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                    "chaos %s, seed %d: %d transactions (saga, TCC, msg) submitted, %d acknowledged, %d faults"
                            + " (%d leader kills)%n",
                    scenario, seed, submitted, acknowledged, faults.size(), kills()));
            for (Verdict v : verdicts) {
                t.append(String.format(Locale.ROOT, "  (%d) %-70s %s%n", v.invariant().number, v.invariant().statement,
                        v.held() ? "held (" + v.checked() + " checked)" : "VIOLATED"));
                v.counterExamples().stream().limit(5).forEach(c -> t.append("        ").append(c).append('\n'));
            }
            if (!recovery().isEmpty()) {
                t.append("  ").append(recovery()).append('\n');
            }
            return t.toString();
        }
    }

    private final String scenario;
    private final Nemesis nemesis;
    private final long seed;
    private final List<String> nodeJvmArgs;

    public ChaosRun(String scenario, long seed, List<String> nodeJvmArgs) {
        this.scenario = scenario;
        this.nemesis = Nemesis.of(scenario);
        this.seed = seed;
        this.nodeJvmArgs = List.copyOf(nodeJvmArgs);
    }

    /** Runs the scenario for {@code seconds}, the workload at {@code perSecond} transactions, at most 1,024 at once. */
    public Result run(Path repo, Path dir, int seconds, int perSecond) throws Exception {
        Random random = new Random(seed);
        try (ChaosCluster cluster = new ChaosCluster(repo, dir, nodeJvmArgs, "ratchet.log.transactions = warn")) {
            for (String id : cluster.ids()) {
                cluster.start(id);
            }
            cluster.startBank(ACCOUNTS, BALANCE, 2, seed);
            awaitLeader(cluster, Duration.ofSeconds(90));
            String run = "chaos" + Long.toHexString(seed) + "x" + System.nanoTime() % 100_000;
            Workload workload = new Workload(cluster.ids().stream().map(cluster::url).toList(), cluster.bankUrl(""),
                    ACCOUNTS, run, random.nextLong());
            long start = System.nanoTime();
            long until = start + TimeUnit.SECONDS.toNanos(seconds);
            List<Nemesis.Fault> faults = Collections.synchronizedList(new ArrayList<>());
            Random nemesisRandom = new Random(random.nextLong());
            LeaderWatch leaders = new LeaderWatch(cluster);
            leaders.start();
            CompletableFuture<Void> hurting = CompletableFuture.runAsync(() -> {
                try {
                    nemesis.run(cluster, start, until, nemesisRandom, faults);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The nemesis may go on past the duration until it has done its minimum of faults.
            workload.run(() -> System.nanoTime() < until || !hurting.isDone(), 1_024, perSecond);
            hurting.join();
            cluster.network().heal();
            for (String id : cluster.ids()) {
                if (!cluster.running(id)) {
                    cluster.start(id);
                }
                cluster.pause(id, false);
            }
            long lastFault = System.nanoTime();
            awaitLeader(cluster, Duration.ofSeconds(60));
            Map<String, Map<String, String>> nodes = Map.of();
            while (System.nanoTime() - lastFault < TimeUnit.SECONDS.toNanos(30)) {
                try {
                    nodes = statuses(cluster, run);
                    if (allTerminal(nodes, workload)) {
                        break;
                    }
                } catch (IOException e) {
                    // a restarted node may not serve yet
                }
                Thread.sleep(500); // polling the cluster for the transactions to end, within the 30 s of the invariant
            }
            // Whatever the 30 s brought, judge what every node holds now (each must answer by then).
            nodes = awaitStatuses(cluster, run, Duration.ofSeconds(60));
            leaders.stop();
            workload.writeHistory(dir.resolve("history.jsonl"), start);
            History history = history(cluster, workload, nodes, leaders.byTerm(),
                    journals(cluster, Duration.ofSeconds(60)), stores(cluster, Duration.ofSeconds(60)));
            RunTimeline timeline = new RunTimeline(workload.submits(), start, faults);
            Result result = new Result(scenario, seed, workload.sagas().size(), workload.acknowledged(),
                    List.copyOf(faults), Checker.check(history), timeline.leaderKillRecoveriesMs(), timeline.svg(),
                    dir);
            Files.writeString(dir.resolve("verdict.txt"), result.table());
            return result;
        }
    }

    /** Whether every transaction any node holds has ended: the acknowledged ones, and those nobody heard about. */
    private static boolean allTerminal(Map<String, Map<String, String>> nodes, Workload workload) {
        for (var saga : workload.sagas().values()) {
            for (Map<String, String> held : nodes.values()) {
                String s = held.get(saga.gid());
                if (saga.acknowledged() && s == null || s != null && !s.equals("succeed") && !s.equals("failed")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void awaitLeader(ChaosCluster cluster, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (cluster.leader().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No leader within " + within + "; see the logs in " + cluster.dir());
            }
            Thread.sleep(200); // polling for an election, with a deadline
        }
    }

    private static Map<String, Map<String, String>> awaitStatuses(ChaosCluster cluster, String run, Duration within)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return statuses(cluster, run);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500); // polling for a restarted node to serve, with a deadline
            }
        }
    }

    /** Every node's view of the run's transactions, gid → status, paged through /api/dtmsvr/all. */
    private static Map<String, Map<String, String>> statuses(ChaosCluster cluster, String run) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Map<String, String>> nodes = new TreeMap<>();
        for (String id : cluster.ids()) {
            Map<String, String> held = new HashMap<>();
            String position = "";
            do {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.url(id)
                        + "/api/dtmsvr/all?limit=1000&gidPrefix=" + run + "&position="
                        + URLEncoder.encode(position, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IOException(id + " answered " + r.statusCode() + " to all: " + r.body());
                }
                JsonNode page = JSON.readTree(r.body());
                page.path("transactions").forEach(t -> held.put(t.path("gid").asText(), t.path("status").asText()));
                position = page.path("next_position").asText("");
            } while (!position.isEmpty());
            nodes.put(id, held);
        }
        return nodes;
    }

    /**
     * Once every node has applied the same index, each node's journal digest per {@link #JOURNAL_RANGE} indexes from
     * the lowest index every journal holds. A node that installed a snapshot from the leader never journaled the
     * entries it covers: in a range wholly below its snapshot where it holds fewer records, it is left out.
     */
    private static List<History.JournalRange> journals(ChaosCluster cluster, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        List<JsonNode> statuses;
        while (true) {
            statuses = cluster.ids().stream().map(id -> cluster.status(id).orElse(null)).toList();
            if (sameAppliedIndex(statuses)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The nodes did not reach the same applied index within " + within
                        + ": " + statuses);
            }
            Thread.sleep(200); // polling for the followers to apply the last entries, with a deadline
        }
        long applied = statuses.get(0).path("appliedIndex").asLong();
        long from = 0;
        for (String id : cluster.ids()) {
            from = Math.max(from, digest(cluster, id, 0, 0).path("firstIndex").asLong());
        }
        List<History.JournalRange> ranges = new ArrayList<>();
        for (long lo = from; lo <= applied; lo += JOURNAL_RANGE) {
            long hi = Math.min(lo + JOURNAL_RANGE - 1, applied);
            Map<String, JsonNode> digests = new TreeMap<>();
            for (String id : cluster.ids()) {
                digests.put(id, digest(cluster, id, lo, hi));
            }
            long most = digests.values().stream().mapToLong(d -> d.path("records").asLong()).max().orElse(0);
            Map<String, String> held = new TreeMap<>();
            for (int i = 0; i < cluster.ids().size(); i++) {
                String id = cluster.ids().get(i);
                JsonNode d = digests.get(id);
                boolean installedOver = d.path("records").asLong() < most
                        && statuses.get(i).path("snapshotIndex").asLong() >= hi;
                if (!installedOver) {
                    held.put(id, d.path("sha256").asText());
                }
            }
            ranges.add(new History.JournalRange(lo, hi, held));
        }
        return ranges;
    }

    /** The finished stores' key ranges: transactions, the creation index, the finish index, the meta keys (hex). */
    private static final List<String> STORE_PREFIXES = List.of("74", "63", "66", "6d");

    /**
     * Each node's finished-store digest per key range, read once every node's store is at the same index (the last
     * change it applied; a retention sweep may move it between two reads, so the reads are repeated until it holds).
     */
    private static List<History.StoreRange> stores(ChaosCluster cluster, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            List<History.StoreRange> ranges = new ArrayList<>();
            Set<Long> indexes = new HashSet<>();
            for (String prefix : STORE_PREFIXES) {
                String to = Integer.toHexString(Integer.parseInt(prefix, 16) + 1);
                Map<String, String> digests = new TreeMap<>();
                for (String id : cluster.ids()) {
                    JsonNode d = get(cluster, id, "/api/ratchet/store/digest?from=" + prefix + "&to=" + to);
                    indexes.add(d.path("index").asLong());
                    digests.put(id, d.path("keys").asLong() + ":" + d.path("sha256").asText());
                }
                ranges.add(new History.StoreRange(prefix, indexes.iterator().next(), digests));
            }
            if (indexes.size() == 1) {
                return ranges;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The finished stores did not reach the same index within " + within
                        + ": " + indexes);
            }
            Thread.sleep(200); // polling for a sweep to reach every node, with a deadline
        }
    }

    private static boolean sameAppliedIndex(List<JsonNode> statuses) {
        return statuses.stream().allMatch(s -> s != null
                && s.path("appliedIndex").asLong() == statuses.get(0).path("appliedIndex").asLong());
    }

    private static JsonNode digest(ChaosCluster cluster, String id, long from, long to) throws Exception {
        return get(cluster, id, "/api/ratchet/journal/digest?from=" + from + "&to=" + to);
    }

    private static JsonNode get(ChaosCluster cluster, String id, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster.url(id)
                + pathAndQuery)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(id + " answered " + r.statusCode() + " to " + pathAndQuery + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static History history(ChaosCluster cluster, Workload workload, Map<String, Map<String, String>> nodes,
                                   Map<Long, Set<String>> leaders, List<History.JournalRange> journals,
                                   List<History.StoreRange> stores)
            throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                cluster.bankUrl("/state"))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode state = JSON.readTree(r.body());
        Map<Integer, Long> balances = new TreeMap<>();
        state.path("balances").fields().forEachRemaining(e -> balances.put(Integer.parseInt(e.getKey()),
                e.getValue().asLong()));
        List<History.Effect> effects = new ArrayList<>();
        state.path("effects").forEach(e -> effects.add(new History.Effect(e.get(0).asText(), e.get(1).asInt(),
                History.Op.valueOf(e.get(2).asText()))));
        Map<Integer, Long> initial = new LinkedHashMap<>();
        for (int a = 1; a <= ACCOUNTS; a++) {
            initial.put(a, BALANCE);
        }
        // Effects of other runs' gids cannot occur: the bank is this run's own.
        return new History(new TreeMap<>(workload.sagas()), nodes, effects, ACCOUNTS * BALANCE, initial, balances,
                leaders, journals, stores);
    }
}
