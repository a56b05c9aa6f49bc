package io.ratchet.jmh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a soak watches on each node process: its metrics and status over HTTP, its RSS from {@code /proc}, the
 * bytes of its data directory; and times a follower's restart after a SIGKILL.
 */
final class NodeSampler {

    /** Dropwizard's MemoryUsageGaugeSet on the node: one such gauge per pool that is collected (the heap's). */
    static final String POOL_PREFIX = "jvm.memory.pools.";
    static final String AFTER_GC_SUFFIX = ".used-after-gc";
    static final String HEAP_USED = "jvm.memory.heap.used";
    static final String FINISHED_STORED = "ratchet.transactions.finished_stored";
    static final String STORED = "ratchet.transactions.stored";

    /**
     * One node at one moment; -1 (or null) where the node did not answer or has no such metric.
     *
     * @param heapBytes     the heap used after the last GC, or the heap used if {@code heapAfterGc} is false
     * @param raftBytes     {@code <data-dir>/raft}: the Raft log and the snapshots
     * @param journalBytes  {@code <data-dir>/journal}
     * @param storeBytes    {@code <data-dir>/store}: the cold store
     * @param dataBytes     the whole data directory
     * @param stored        the finished transactions the node stores, or all it stores if {@code storedKey} says so
     */
    record NodeSample(String id, boolean alive, String role, long appliedIndex, long heapBytes, boolean heapAfterGc,
                      long rssBytes, long raftBytes, long journalBytes, long storeBytes, long dataBytes,
                      Timer snapshots, Timer checkpoints, long stored, String storedKey) {
    }

    /** A node timer from its metrics JSON: {@code {"count":n,"p50_ms":x,"p99_ms":y}}. */
    record Timer(long count, double p50Ms, double p99Ms) {
        static Timer of(JsonNode json) {
            return json.isObject() ? new Timer(json.path("count").asLong(), json.path("p50_ms").asDouble(),
                    json.path("p99_ms").asDouble()) : null;
        }
    }

    /**
     * A follower's restart after a SIGKILL.
     *
     * @param leaderCommitIndex the leader's commit index when the follower was started again
     * @param firstAnswerS      seconds from the start of the process to its first status answer; -1: none
     * @param servingS          seconds until its applied index reached {@code leaderCommitIndex}; -1: not by the
     *                          deadline
     */
    record Restart(String node, long leaderCommitIndex, double firstAnswerS, double servingS, long appliedIndex) {
    }

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final Processes processes;
    private final ObjectMapper json = new ObjectMapper();
    // HTTP/1.1: the nodes refuse the h2c upgrade a JDK client would try first.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ASK_TIMEOUT).build();

    NodeSampler(Processes processes) {
        this.processes = processes;
    }

    List<NodeSample> sample() {
        List<NodeSample> nodes = new ArrayList<>();
        for (String id : processes.nodeIds()) {
            nodes.add(sample(id));
        }
        return nodes;
    }

    private NodeSample sample(String id) {
        Process p = processes.node(id);
        Path data = processes.dataDir(id);
        JsonNode metrics = ask(id, "/api/ratchet/metrics");
        JsonNode status = ask(id, "/api/ratchet/status");
        long afterGc = heapAfterGc(metrics);
        boolean heapAfterGc = afterGc >= 0;
        long heap = heapAfterGc ? afterGc : metrics == null ? -1 : metrics.path(HEAP_USED).asLong(-1);
        String storedKey = metrics != null && metrics.has(FINISHED_STORED) ? FINISHED_STORED : STORED;
        return new NodeSample(id, p.isAlive(), status == null ? null : status.path("role").asText(null),
                status == null ? -1 : status.path("appliedIndex").asLong(-1), heap, heapAfterGc,
                p.isAlive() ? rssBytes(p.pid()) : -1, directoryBytes(data.resolve("raft")),
                directoryBytes(data.resolve("journal")), directoryBytes(data.resolve("store")), directoryBytes(data),
                metrics == null ? null : Timer.of(metrics.path("ratchet.snapshots")),
                metrics == null ? null : Timer.of(metrics.path("ratchet.snapshot.checkpoint")),
                metrics == null ? -1 : metrics.path(storedKey).asLong(-1), storedKey);
    }

    /**
     * SIGKILLs a follower, starts it again and waits (up to {@code deadline}) until its status answers with an
     * applied index at least the leader's commit index at the restart.
     */
    Restart restartFollower(Duration deadline) throws IOException, InterruptedException {
        String follower = null;
        String leader = null;
        for (String id : processes.nodeIds()) {
            JsonNode status = ask(id, "/api/ratchet/status");
            String role = status == null ? "" : status.path("role").asText();
            if (role.equals("leader")) {
                leader = id;
            } else if (role.equals("follower") && follower == null) {
                follower = id;
            }
        }
        if (leader == null || follower == null) {
            throw new IOException("Expected a leader and a follower to restart, but found leader " + leader
                    + " and follower " + follower);
        }
        processes.kill(follower);
        JsonNode leaderStatus = ask(leader, "/api/ratchet/status");
        if (leaderStatus == null) {
            throw new IOException("The leader " + leader + " did not answer its status after " + follower
                    + " was killed");
        }
        long commitIndex = leaderStatus.path("commitIndex").asLong();
        long started = System.nanoTime();
        processes.restart(follower);
        double firstAnswerS = -1;
        long applied = -1;
        long until = started + deadline.toNanos();
        while (System.nanoTime() < until) {
            JsonNode status = ask(follower, "/api/ratchet/status");
            if (status != null) {
                firstAnswerS = firstAnswerS < 0 ? seconds(started) : firstAnswerS;
                applied = status.path("appliedIndex").asLong(-1);
                if (applied >= commitIndex) {
                    return new Restart(follower, commitIndex, firstAnswerS, seconds(started), applied);
                }
            }
            Thread.sleep(100); // polling a process we started, with a deadline
        }
        return new Restart(follower, commitIndex, firstAnswerS, -1, applied);
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /** The JSON a node answers at {@code path}, or null if it does not (down, restarting, slow). */
    private JsonNode ask(String id, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(processes.nodeUrl(id) + path))
                    .timeout(ASK_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? json.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The resident set of process {@code pid} (VmRSS in /proc/pid/status), in bytes; -1 if unreadable. */
    /** The heap in use after the last collection: the sum of the collected pools' after-GC use, or -1 if none. */
    static long heapAfterGc(JsonNode metrics) {
        long sum = -1;
        if (metrics != null) {
            for (var it = metrics.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().startsWith(POOL_PREFIX) && e.getKey().endsWith(AFTER_GC_SUFFIX) && e.getValue().isNumber()) {
                    sum = Math.max(sum, 0) + e.getValue().asLong();
                }
            }
        }
        return sum;
    }

    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024; // "VmRSS:   123456 kB"
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The bytes of the regular files under {@code dir} (their length, as {@code ls} shows it), each file once even
     * when it is hard-linked several times under it (a snapshot's checkpoint links the finished store's tables); 0 if
     * it does not exist. Files and directories that vanish during the walk are skipped: the nodes purge Raft segments, replace
     * snapshots and roll journal files while they are sampled.
     */
    static long directoryBytes(Path dir) {
        long[] total = {0};
        java.util.Set<Object> seen = new java.util.HashSet<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && (attrs.fileKey() == null || seen.add(attrs.fileKey()))) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e == null || e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot walk " + dir, e);
        }
        return total[0];
    }
}
