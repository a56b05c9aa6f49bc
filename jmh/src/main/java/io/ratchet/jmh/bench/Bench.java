package io.ratchet.jmh.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code bin/bench}: starts three node processes and a business-service process, warms them up, then alternates
 * the HTTP ceiling, the Raft ceiling and Ratchet at saturation for {@code --rounds} rounds, and ends with Ratchet
 * at a fixed offered rate. Prints the table and writes {@code target/bench/bench.{txt,json,svg}}.
 *
 * <p>{@code bin/bench --soak 30m} instead offers sagas at a fixed rate for that long, samples the nodes (heap, RSS,
 * data directories, snapshots) every {@code --sample}, then times a follower's restart after a SIGKILL, and writes
 * {@code target/bench/soak.{txt,json,svg}}.
 *
 * <p>Run by bin/bench as {@code java @node/target/jvm.options -cp <jmh classpath> io.ratchet.jmh.bench.Bench ...}.
 */
public final class Bench {

    private final BenchOptions options;
    private final Processes processes;
    private final List<String> nodePorts;
    private final long runStart = System.nanoTime();
    /** Numbers the gids of the whole run: a gid used in an earlier phase would be refused (409). */
    private final java.util.concurrent.atomic.AtomicLong gids = new java.util.concurrent.atomic.AtomicLong();
    private final java.net.http.HttpClient stats = java.net.http.HttpClient.newHttpClient();

    private Bench(BenchOptions options, Processes processes) {
        this.options = options;
        this.processes = processes;
        this.nodePorts = processes.nodeUrls().stream().map(u -> u.substring(u.lastIndexOf(':') + 1)).toList();
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        Path out = repo.resolve("target/bench");
        Path work = Files.createTempDirectory("ratchet-bench");
        try (Processes processes = new Processes(repo, work)) {
            System.out.println("starting three nodes and the business service in " + work + " ...");
            processes.startCluster("", options.soak() == null ? List.of() : options.soak().nodeArgs());
            processes.startService(System.getProperty("java.class.path"), options.branches());
            if (options.soak() != null) {
                SoakReport soak = new Bench(options, processes).soak();
                System.out.print(soak.verdictText());
                soak.write(out);
                System.out.println("report: " + out.resolve("soak.txt") + ", " + out.resolve("soak.json") + ", "
                        + out.resolve("soak.svg") + "; node logs in " + work);
                System.exit(soak.failed() ? 1 : 0);
            }
            Report report = new Bench(options, processes).run(work);
            System.out.println(report.table());
            report.write(out);
            System.out.println("report: " + out.resolve("bench.txt") + ", " + out.resolve("bench.json") + ", "
                    + out.resolve("bench.svg") + (options.profile() ? ", the nodes' JFR recordings "
                    + out.resolve("n*-round*.jfr") + " (jfr print, or JDK Mission Control)" : ""));
        }
        System.exit(0);
    }

    private Report run(Path work) throws Exception {
        Report report = new Report(options);
        List<Path> recordings = new ArrayList<>();
        try (Load load = new Load(options.concurrency())) {
            if (options.warmupS() > 0) {
                sagaPhase(load, "warm-up", options.warmupS(), 0);
            }
            for (int round = 1; round <= options.rounds(); round++) {
                long at = elapsedS();
                Load.Result http = load.run("http ceiling", this::httpRoundTrips, options.ceilingS(), 0,
                        options.concurrency(), s -> progress("HTTP ceiling", s, options.ceilingS()));
                report.httpCeilings.add(http);
                report.placed.add(new Report.Placed(at, http));
                System.out.print(progress("Raft ceiling", 0, options.ceilingS()) + "\r");
                // Its three members run only during their phase, so they take no CPU from the others.
                try (RaftCeiling raft = new RaftCeiling(work.resolve("raft-" + round))) {
                    report.raftCeilings.add(raft.run(options.ceilingS(), options.concurrency(),
                            sagaBody(false).length()));
                }
                at = elapsedS();
                Map<String, Long> cpuBefore = processes.cpuMillis();
                if (options.profile()) {
                    recordings.addAll(processes.startRecording(work, "round" + round));
                }
                Report.SagaPhase saturated = sagaPhase(load, "ratchet saturation", options.durationS(), 0);
                if (options.profile()) {
                    processes.stopRecording();
                }
                report.saturation.add(saturated);
                report.addCpu(cpuBefore, processes.cpuMillis(), saturated.sagasFinished()
                        + saturated.lostAfterDrain());
                report.placed.add(new Report.Placed(at, saturated.submits()));
            }
            report.offeredRate = options.rate() > 0 ? options.rate() : report.sagaRate() / 2;
            long at = elapsedS();
            report.fixedRate = sagaPhase(load, "ratchet fixed rate", options.durationS(), report.offeredRate);
            report.placed.add(new Report.Placed(at, report.fixedRate.submits()));
        }
        if (options.profile()) {
            report.profile = Profile.read(recordings);
            report.recordings.addAll(recordings);
        }
        return report;
    }

    /**
     * The soak: a warm-up, then sagas at the fixed rate while a sampler thread reads the nodes at the end of every
     * sample interval (so a slow node delays no submit), then the restart of a follower.
     */
    private SoakReport soak() throws Exception {
        BenchOptions.Soak soak = options.soak();
        SoakReport report = new SoakReport(options);
        NodeSampler sampler = new NodeSampler(processes);
        Load.Operation submit = (http, seq) -> submitSaga(http, seq, options.waitResult());
        ExecutorService sampling = Executors.newSingleThreadExecutor(r -> new Thread(r, "soak-sampler"));
        try (Load load = new Load(options.concurrency())) {
            if (options.warmupS() > 0) {
                load.run("warm-up", submit, options.warmupS(), options.rate(), options.concurrency(),
                        s -> progress("warm-up", s, options.warmupS()));
            }
            long[] finishedBefore = {stats().completed};
            Histogram interval = new Histogram(3);
            Load.Tick[] last = {new Load.Tick(0, null, 0, 0, 0)};
            System.out.printf(Locale.ROOT, "%nsoak: %.0f sagas/s for %d s, a sample every %d s; node flags %s%n%n",
                    options.rate(), soak.durationS(), soak.sampleS(), soak.nodeArgs());
            load.run("soak", submit, soak.durationS(), options.rate(), options.concurrency(),
                    s -> progress("soak", s, soak.durationS()), tick -> {
                        interval.add(tick.latencyMicros());
                        if (tick.second() % soak.sampleS() != 0 && tick.second() != soak.durationS()) {
                            return;
                        }
                        Histogram latency = interval.copy();
                        interval.reset();
                        Load.Tick previous = last[0];
                        last[0] = tick;
                        sampling.execute(() -> {
                            SoakReport.Sample sample = sample(sampler, previous, tick, latency, finishedBefore);
                            boolean first = report.samples().isEmpty();
                            report.add(sample);
                            // The header after the first sample: it names the nodes and the heap metric they have.
                            System.out.print("\r" + (first ? report.header() : "") + report.row(sample));
                        });
                    });
            sampling.shutdown();
            sampling.awaitTermination(1, TimeUnit.MINUTES);
        }
        System.out.println("\nkilling a follower (SIGKILL) and timing its restart ...");
        report.restart = sampler.restartFollower(Duration.ofMinutes(5));
        return report;
    }

    /** The sample of the interval from {@code previous} to {@code tick}; runs on the sampler thread. */
    private SoakReport.Sample sample(NodeSampler sampler, Load.Tick previous, Load.Tick tick, Histogram latency,
                                     long[] finishedBefore) {
        double finishedPerS = -1;
        double endToEndP99 = -1;
        try {
            Stats now = stats();
            finishedPerS = (now.completed - finishedBefore[0]) / (double) (tick.second() - previous.second());
            finishedBefore[0] = now.completed;
            endToEndP99 = ms(now.endToEnd, 99);
        } catch (Exception e) {
            System.err.println("soak: the business service did not answer its stats: " + e);
        }
        return new SoakReport.Sample(tick.second(), finishedPerS, ms(latency, 50), ms(latency, 99),
                tick.failed() - previous.failed(), tick.heldBack() - previous.heldBack(), endToEndP99,
                sampler.sample());
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Submits sagas for a while, then waits (up to 60 s) for the ones acknowledged to finish. */
    private Report.SagaPhase sagaPhase(Load load, String name, int seconds, double rate) throws Exception {
        Stats before = stats();
        // At saturation each client waits for its saga's end (wait_result), so the sagas in flight stay bounded by the
        // concurrency and the phase measures the rate the cluster sustains, not how fast a backlog grows.
        boolean waitResult = rate <= 0 || options.waitResult();
        Load.Result submits = load.run(name, (http, seq) -> submitSaga(http, seq, waitResult), seconds, rate,
                options.concurrency(), s -> progress(name, s, seconds));
        Stats atEnd = stats();
        long expected = before.completed + submits.completed();
        long deadline = System.nanoTime() + 60_000_000_000L;
        Stats drained = atEnd;
        while (drained.completed < expected && System.nanoTime() < deadline) {
            Thread.sleep(200); // waiting for the backlog to finish, with a deadline
            drained = stats();
        }
        long finished = atEnd.completed - before.completed;
        Histogram e2e = atEnd.endToEnd;
        e2e.add(drained.endToEnd);
        return new Report.SagaPhase(submits, finished, finished / (double) seconds, e2e,
                Math.max(0, expected - drained.completed));
    }

    private Future<Void> submitSaga(HttpClient http, long sequence, boolean waitResult) {
        int port = Integer.parseInt(nodePorts.get((int) (sequence % nodePorts.size())));
        return Load.post(http, port, "/api/dtmsvr/submit", Buffer.buffer(sagaBody(waitResult)));
    }

    /** The same number of round trips as a saga, with its bodies, against the trivial endpoint. */
    private Future<Void> httpRoundTrips(HttpClient http, long sequence) {
        Buffer submit = Buffer.buffer(sagaBody(false));
        Buffer step = Buffer.buffer(payload());
        Future<Void> chain = Load.post(http, processes.servicePort(), "/ceiling", submit);
        for (int i = 0; i < options.branches(); i++) {
            chain = chain.compose(v -> Load.post(http, processes.servicePort(), "/ceiling", step));
        }
        return chain;
    }

    private String sagaBody(boolean waitResult) {
        StringBuilder b = new StringBuilder("{\"gid\":\"bench-").append(Long.toHexString(runStart)).append('-')
                .append(gids.incrementAndGet()).append("\",\"trans_type\":\"saga\",\"wait_result\":").append(waitResult)
                .append(",\"steps\":[");
        String base = "http://127.0.0.1:" + processes.servicePort() + "/";
        for (int i = 0; i < options.branches(); i++) {
            b.append(i == 0 ? "" : ",").append("{\"action\":\"").append(base).append("a").append(i)
                    .append("\",\"compensate\":\"").append(base).append("c").append(i).append("\"}");
        }
        b.append("],\"payloads\":[");
        String payload = payload().replace("\"", "\\\"");
        for (int i = 0; i < options.branches(); i++) {
            b.append(i == 0 ? "" : ",").append('"').append(payload).append('"');
        }
        return b.append("]}").toString();
    }

    /** A step payload: the submit time (read by the service for end-to-end latency), padded to the size asked. */
    private String payload() {
        String head = "{\"t\":" + BranchService.epochMicros() + ",\"pad\":\"";
        int pad = Math.max(0, options.payloadBytes() - head.length() - 2);
        return head + "x".repeat(pad) + "\"}";
    }

    private record Stats(long completed, Histogram endToEnd) {
    }

    private Stats stats() throws Exception {
        HttpResponse<String> r = stats.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + processes.servicePort() + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
        String body = r.body();
        long completed = Long.parseLong(body.replaceAll(".*\"completed\":(\\d+).*", "$1"));
        String encoded = body.replaceAll(".*\"histogram\":\"([^\"]*)\".*", "$1");
        Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
        return new Stats(completed, h);
    }

    private long elapsedS() {
        return (System.nanoTime() - runStart) / 1_000_000_000L;
    }

    private String progress(String phase, int second, int of) {
        return String.format(Locale.ROOT, "[%4ds] %-20s %3d/%ds", elapsedS(), phase, second, of);
    }
}
