package io.ratchet.jmh;

import io.ratchet.log.LogApplier;
import io.ratchet.log.LogEntry;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.testing.LogTestCluster;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Load tool for the replicated log alone: three in-process members on 127.0.0.1.
 *
 * <pre>
 *   throughput &lt;submitters&gt; &lt;seconds&gt; [payloadBytes]   commands/s and submit latency with N in flight
 *   restart &lt;entries&gt;                                  journal that many entries, restart all three, time it
 * </pre>
 * Run: {@code java @node/target/jvm.options -cp "$(cat jmh/target/classpath.txt):jmh/target/classes"
 * io.ratchet.jmh.RaftLogLoad throughput 64 30}.
 */
public final class RaftLogLoad {

    private RaftLogLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: throughput <submitters> <seconds> [payloadBytes] | restart <entries>");
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("raft-log-load");
        switch (args[0]) {
            case "throughput" -> throughput(dir, Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    args.length > 3 ? Integer.parseInt(args[3]) : 100);
            case "restart" -> restart(dir, Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    private static void throughput(Path dir, int submitters, int seconds, int payloadBytes) throws Exception {
        // -Dload.entriesInFlight=N overrides the default of LogOptions
        Integer entriesInFlight = Integer.getInteger("load.entriesInFlight");
        try (LogTestCluster<CountingApplier> cluster = LogTestCluster.ofThree(dir, o -> entriesInFlight == null ? o
                        : o.withBatching(o.maxBatchCommands(), o.maxBatchBytes(), entriesInFlight, o.maxQueuedCommands()),
                CountingApplier::new)) {
            String leader = cluster.awaitLeader(Duration.ofSeconds(60));
            // -Dload.leaderOnly=true: every submit on the leader, no forwarding hop
            List<ReplicatedLog> members = Boolean.getBoolean("load.leaderOnly")
                    ? List.of(cluster.member(leader)) : cluster.running();
            byte[] payload = new byte[payloadBytes];
            // warm-up: a third of the run, not recorded
            run(members, submitters, Math.max(5, seconds / 3), payload, new Recorder(3));
            Recorder recorder = new Recorder(3);
            long started = System.nanoTime();
            long done = run(members, submitters, seconds, payload, recorder);
            double elapsed = (System.nanoTime() - started) / 1e9;
            Histogram h = recorder.getIntervalHistogram();
            long entries = members.get(0).status().appliedIndex();
            System.out.printf(Locale.ROOT, "entriesInFlight=%d leaderOnly=%b ",
                    cluster.options(leader).maxEntriesInFlight(), Boolean.getBoolean("load.leaderOnly"));
            System.out.printf(Locale.ROOT, "submitters=%d payload=%dB commands=%d seconds=%.1f rate=%.0f/s "
                            + "p50=%.1fms p99=%.1fms p999=%.1fms max=%.1fms raftIndex=%d%n",
                    submitters, payloadBytes, done, elapsed, done / elapsed, h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, entries);
        }
    }

    /** Keeps {@code submitters} commands in flight, spread over the members; returns how many completed. */
    private static long run(List<ReplicatedLog> members, int submitters, int seconds, byte[] payload,
                            Recorder latencyMicros) throws InterruptedException {
        Semaphore inFlight = new Semaphore(submitters);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; System.nanoTime() < end; i++) {
            if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            long sent = System.nanoTime();
            CompletableFuture<byte[]> reply = members.get(i % members.size()).submit(payload);
            reply.whenComplete((r, e) -> {
                if (e == null) {
                    latencyMicros.recordValue((System.nanoTime() - sent) / 1000);
                    completed.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(submitters);
        if (failed.get() > 0) {
            System.out.println("failed submits: " + failed.get());
        }
        return completed.get();
    }

    private static void restart(Path dir, int entries) throws Exception {
        // One command per entry, no snapshots: the journal then holds `entries` records for restart to replay.
        LogTestCluster<CountingApplier> cluster = LogTestCluster.ofThree(dir, o -> o.withSnapshots(Long.MAX_VALUE / 2, 2)
                .withBatching(1, o.maxBatchBytes(), 16, o.maxQueuedCommands()), CountingApplier::new);
        try {
            cluster.awaitLeader(Duration.ofSeconds(60));
            ReplicatedLog leader = cluster.member(cluster.awaitLeader());
            Semaphore inFlight = new Semaphore(64);
            for (int i = 0; i < entries; i++) {
                inFlight.acquire();
                leader.submit(new byte[100]).whenComplete((r, e) -> inFlight.release());
            }
            inFlight.acquire(64);
            System.out.printf(Locale.ROOT, "journaled: raftIndex=%d%n", leader.status().appliedIndex());
        } finally {
            cluster.close();
        }
        long started = System.nanoTime();
        for (String id : cluster.ids()) {
            cluster.start(id);
        }
        long recovered = System.nanoTime();
        String leader = cluster.awaitLeader(Duration.ofSeconds(120));
        cluster.member(leader).submit(new byte[100]).get(120, TimeUnit.SECONDS);
        long firstWrite = System.nanoTime();
        System.out.printf(Locale.ROOT, "restart of 3 members: recovered(all three, sequential)=%dms "
                        + "firstCommittedWrite=%dms appliedIndex=%d%n",
                (recovered - started) / 1_000_000, (firstWrite - started) / 1_000_000,
                cluster.member(leader).status().appliedIndex());
        cluster.close();
    }

    /** The cheapest deterministic applier: a count and a running checksum. */
    static final class CountingApplier implements LogApplier {
        private long count;
        private final CRC32C crc = new CRC32C();

        @Override
        public synchronized byte[] apply(LogEntry entry) {
            count++;
            crc.update(entry.payload());
            return new byte[0];
        }

        @Override
        public synchronized byte[] query(byte[] request) {
            return new byte[0];
        }

        @Override
        public synchronized Image captureSnapshot(Path files) {
            long atCount = count;
            return out -> {
                DataOutputStream data = new DataOutputStream(out);
                data.writeLong(atCount);
                data.flush();
            };
        }

        @Override
        public synchronized void restore(InputStream in, Path files) throws IOException {
            count = new DataInputStream(in).readLong();
        }
    }
}
