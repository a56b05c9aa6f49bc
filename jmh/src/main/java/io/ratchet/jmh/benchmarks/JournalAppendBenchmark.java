package io.ratchet.jmh.benchmarks;

import io.ratchet.log.journal.ChronicleJournal;
import io.ratchet.log.journal.JournalRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Appending one committed entry (CRC32C, index chain) to the Chronicle journal, as the state machine does. */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalAppendBenchmark {

    /** Bytes of one entry: a lone saga submit is about 400, a batch of many commands several KiB. */
    @Param({"400", "8192"})
    public int entryBytes;

    private Path dir;
    private ChronicleJournal journal;
    private byte[] payload;
    private long index;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("journal-bench");
        journal = ChronicleJournal.open(dir);
        payload = new byte[entryBytes];
    }

    @Benchmark
    public void append() {
        index++;
        journal.append(new JournalRecord(index, 1, index, payload));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
