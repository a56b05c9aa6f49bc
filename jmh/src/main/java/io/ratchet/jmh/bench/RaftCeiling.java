package io.ratchet.jmh.bench;

import io.ratchet.log.LogApplier;
import io.ratchet.log.LogEntry;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.testing.LogTestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The Raft ceiling: raw commands through a three-member raft-log group in this JVM (the same Ratis, journal and
 * batching as the nodes, without HTTP or transactions), {@code inFlight} at once, spread over the members as the
 * nodes' clients spread their submits.
 */
final class RaftCeiling implements AutoCloseable {

    /** Counts what it applies; the ceiling measures the log, not an applier. */
    private static final class Counting implements LogApplier {
        private long applied;

        @Override
        public byte[] apply(LogEntry entry) {
            applied++;
            return new byte[0];
        }

        @Override
        public byte[] query(byte[] request) {
            return new byte[0];
        }

        @Override
        public Image captureSnapshot(Path files) {
            byte[] image = Long.toString(applied).getBytes();
            return out -> out.write(image);
        }

        @Override
        public void restore(InputStream in, Path files) throws IOException {
            applied = Long.parseLong(new String(in.readAllBytes()));
        }
    }

    private final LogTestCluster<Counting> cluster;

    RaftCeiling(Path dir) {
        cluster = LogTestCluster.ofThree(dir, o -> o, Counting::new);
        cluster.awaitLeader(Duration.ofSeconds(60));
    }

    Load.Result run(int seconds, int inFlight, int payloadBytes) throws InterruptedException {
        List<ReplicatedLog> members = cluster.running();
        byte[] payload = new byte[payloadBytes];
        Semaphore slots = new Semaphore(inFlight);
        Recorder latency = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long n = 0;
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            long began = System.nanoTime();
            members.get((int) (n++ % members.size())).submit(payload).whenComplete((reply, error) -> {
                slots.release();
                if (error == null) {
                    latency.recordValue((System.nanoTime() - began) / 1_000);
                    completed.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            });
        }
        slots.acquire(inFlight);
        slots.release(inFlight);
        Histogram h = latency.getIntervalHistogram();
        return new Load.Result("raft ceiling", seconds, completed.get(), failed.get(), 0, h, List.of());
    }

    @Override
    public void close() {
        cluster.close();
    }
}
