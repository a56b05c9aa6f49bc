package io.ratchet.jmh.benchmarks;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.TransType;
import io.ratchet.node.model.BranchResult;
import io.ratchet.node.model.Command;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.Outcome;
import io.ratchet.node.model.Step;
import io.ratchet.node.model.TransOptions;
import io.ratchet.node.model.Transitions;
import java.util.List;
import java.util.Map;
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

/** The pure transition function applying the three commands of a two-branch saga: submit, two successes. */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransitionsBenchmark {

    static final Command.Submit SUBMIT = new Command.Submit("bench-1", TransType.SAGA,
            List.of(new Step("http://127.0.0.1:8080/a0", "http://127.0.0.1:8080/c0"),
                    new Step("http://127.0.0.1:8080/a1", "http://127.0.0.1:8080/c1")),
            List.of("{\"amount\":30}", "{\"amount\":30}"), "",
            new TransOptions(false, 0, 10_000, 3_000, Map.of(), false, 0, Map.of()));
    static final Command REPORT_1 = new Command.ReportBranch("bench-1", "01", BranchOp.ACTION, BranchStatus.PREPARED,
            BranchResult.SUCCESS, "", "n1", 2);
    static final Command REPORT_2 = new Command.ReportBranch("bench-1", "02", BranchOp.ACTION, BranchStatus.PREPARED,
            BranchResult.SUCCESS, "", "n1", 2);

    @Benchmark
    public GlobalTransaction twoBranchSaga() {
        GlobalTransaction tx = after(Transitions.apply(null, SUBMIT, 1_000));
        tx = after(Transitions.apply(tx, REPORT_1, 1_001));
        return after(Transitions.apply(tx, REPORT_2, 1_002));
    }

    private static GlobalTransaction after(Outcome outcome) {
        if (outcome instanceof Outcome.Accepted accepted) {
            return accepted.after();
        }
        throw new IllegalStateException("Expected the saga's commands to be accepted, but got " + outcome);
    }
}
