package io.ratchet.jmh;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Load against a running cluster ({@code bin/cluster start}) with an in-process business service that answers
 * SUCCESS: two-branch sagas, no wait_result.
 *
 * <pre>
 *   throughput &lt;concurrency&gt; &lt;seconds&gt; &lt;nodeUrl&gt;...   submits/s, submit latency, sagas finished/s
 *   failover &lt;rounds&gt; &lt;repoDir&gt; &lt;nodeUrl&gt;...          SIGKILL the leader under light load, time until the
 *                                                      first branch call after the kill; bin/cluster restart it
 * </pre>
 */
public final class SagaLoad {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong branchCalls = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> callTimes = new ConcurrentLinkedQueue<>();
    private volatile boolean recordTimes;
    private int servicePort;

    private SagaLoad() {
    }

    public static void main(String[] args) throws Exception {
        SagaLoad load = new SagaLoad();
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            load.branchCalls.incrementAndGet();
            if (load.recordTimes) {
                load.callTimes.add(System.nanoTime());
            }
            req.response().putHeader("content-type", "application/json").end("{\"dtm_result\":\"SUCCESS\"}");
        }).listen(0, "127.0.0.1").await();
        load.servicePort = server.actualPort();
        try {
            if (args[0].equals("throughput")) {
                load.throughput(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                        List.of(args).subList(3, args.length));
            } else {
                load.failover(Integer.parseInt(args[1]), Path.of(args[2]), List.of(args).subList(3, args.length));
            }
        } finally {
            vertx.close().await();
        }
        System.exit(0);
    }

    private String body(String gid) {
        String base = "http://127.0.0.1:" + servicePort;
        return "{\"gid\":\"" + gid + "\",\"trans_type\":\"saga\",\"steps\":[{\"action\":\"" + base + "/TransOut\","
                + "\"compensate\":\"" + base + "/TransOutRevert\"},{\"action\":\"" + base + "/TransIn\","
                + "\"compensate\":\"" + base + "/TransInRevert\"}],\"payloads\":[\"{\\\"amount\\\":30}\","
                + "\"{\\\"amount\\\":30}\"]}";
    }

    private void throughput(int concurrency, int seconds, List<String> nodes) throws Exception {
        String run = "load" + System.nanoTime();
        run(run + "w", concurrency, Math.max(10, seconds / 2), nodes, new Recorder(3), new AtomicLong()); // warm-up
        Recorder latency = new Recorder(3);
        AtomicLong failed = new AtomicLong();
        long callsBefore = branchCalls.get();
        long started = System.nanoTime();
        long submitted = run(run, concurrency, seconds, nodes, latency, failed);
        double elapsed = (System.nanoTime() - started) / 1e9;
        long callsDuring = branchCalls.get() - callsBefore;
        var h = latency.getIntervalHistogram();
        System.out.printf(Locale.ROOT, "concurrency=%d submitted=%d failed=%d seconds=%.1f submits/s=%.0f "
                        + "submit p50=%.1fms p99=%.1fms p999=%.1fms, branch calls/s=%.0f (=%.0f two-branch sagas/s)%n",
                concurrency, submitted, failed.get(), elapsed, submitted / elapsed, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, callsDuring / elapsed,
                callsDuring / elapsed / 2);
    }

    private long run(String prefix, int concurrency, int seconds, List<String> nodes, Recorder latencyMicros,
                     AtomicLong failed) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long i = 0; System.nanoTime() < end; i++) {
            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            long sent = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(URI.create(nodes.get((int) (i % nodes.size()))
                            + "/api/dtmsvr/submit")).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body(prefix + "-" + i))).build();
            HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e == null && r.statusCode() == 200) {
                    latencyMicros.recordValue((System.nanoTime() - sent) / 1000);
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                permits.release();
            });
        }
        permits.acquire(concurrency);
        return ok.get();
    }

    private void failover(int rounds, Path repo, List<String> nodes) throws Exception {
        List<Long> times = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            String leader = leader(repo);
            // a light load, so that there is always a saga to resume
            Thread load = new Thread(() -> {
                try {
                    run("fo" + System.nanoTime(), 4, 12, nodes, new Recorder(3), new AtomicLong());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            load.start();
            Thread.sleep(3_000); // a measurement tool, not a test: let the load reach steady state
            callTimes.clear();
            recordTimes = true;
            // SIGKILL straight from the pid file: bin/cluster kill first reads the configuration (a JVM start)
            long pid = Long.parseLong(java.nio.file.Files.readString(repo.resolve("var/run/" + leader + ".pid")).trim());
            ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
            long killedAt = System.nanoTime();
            process.destroyForcibly();
            long deadline = killedAt + TimeUnit.SECONDS.toNanos(30);
            Long first = null;
            while (first == null && System.nanoTime() < deadline) {
                first = callTimes.stream().filter(t -> t > killedAt + TimeUnit.MILLISECONDS.toNanos(50))
                        .findFirst().orElse(null);
                Thread.sleep(5);
            }
            recordTimes = false;
            load.join();
            long ms = first == null ? -1 : (first - killedAt) / 1_000_000;
            times.add(ms);
            System.out.printf("round %d: killed %s, first branch call after %d ms%n", round, leader, ms);
            exec(repo, "restart", leader);
        }
        List<Long> sorted = times.stream().sorted().toList();
        System.out.printf("kill to first resumed branch call over %d rounds: median %d ms, min %d, max %d%n",
                rounds, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static String leader(Path repo) throws Exception {
        for (String line : exec(repo, "status").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 2 && f[2].equals("leader")) {
                return f[0];
            }
        }
        throw new IllegalStateException("no leader");
    }

    private static String exec(Path repo, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(repo.resolve("bin/cluster").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
