package io.ratchet.jmh.benchmarks;

import io.ratchet.node.model.Command;
import io.ratchet.node.model.CommandCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Encoding and decoding the commands of a saga, as every member does for every command. */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CommandCodecBenchmark {

    private final byte[] submit = CommandCodec.encode(TransitionsBenchmark.SUBMIT);
    private final byte[] report = CommandCodec.encode(TransitionsBenchmark.REPORT_1);

    @Benchmark
    public byte[] encodeSubmit() {
        return CommandCodec.encode(TransitionsBenchmark.SUBMIT);
    }

    @Benchmark
    public Command decodeSubmit() {
        return CommandCodec.decode(submit);
    }

    @Benchmark
    public byte[] encodeReport() {
        return CommandCodec.encode(TransitionsBenchmark.REPORT_1);
    }

    @Benchmark
    public Command decodeReport() {
        return CommandCodec.decode(report);
    }
}
