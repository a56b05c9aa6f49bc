package io.ratchet.jmh.benchmarks;

import java.nio.file.Path;
import io.ratchet.log.LogApplier;
import io.ratchet.log.LogEntry;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.testing.LogTestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A three-member raft-log group in this JVM, over 127.0.0.1: {@value #IN_FLIGHT} commands of 300 bytes submitted at
 * once, spread over the members, per invocation; the score is per command.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class RaftLogBenchmark {

    static final int IN_FLIGHT = 64;

    /** Counts what it applies: the benchmark measures the log, not an applier. */
    static final class Counting implements LogApplier {
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

    private LogTestCluster<Counting> cluster;
    private List<ReplicatedLog> members;
    private final byte[] command = new byte[300];

    @Setup(Level.Trial)
    public void start() throws IOException {
        cluster = LogTestCluster.ofThree(Files.createTempDirectory("raft-bench"), o -> o, Counting::new);
        cluster.awaitLeader(Duration.ofSeconds(60));
        members = cluster.running();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public void submitInFlight() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            all[i] = members.get(i % members.size()).submit(command);
        }
        CompletableFuture.allOf(all).join();
    }

    @TearDown(Level.Trial)
    public void stop() {
        cluster.close();
    }
}
