package io.ratchet.jmh.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * One short iteration of every JMH benchmark, so that the suites keep running: each must produce a positive score.
 * Not a measurement (README "Benchmarks" has the real command).
 */
class JmhSmokeIT {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldRunEveryBenchmarkOnce() throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent();
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(JmhSmokeIT.class.getPackageName() + ".*Benchmark")
                .mode(Mode.Throughput)
                .warmupIterations(1).warmupTime(TimeValue.seconds(1))
                .measurementIterations(1).measurementTime(TimeValue.seconds(1))
                .forks(1)
                .jvmArgsAppend("-Dbench.repo=" + repo, "-Dlogback.configurationFile=logback-bench.xml")
                .build()).run();

        assertThat(results).extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.(\\w+\\.\\w+)$", "$1"))
                .contains("TransitionsBenchmark.twoBranchSaga", "CommandCodecBenchmark.decodeSubmit",
                        "JournalAppendBenchmark.append", "RaftLogBenchmark.submitInFlight",
                        "SagaEndToEndBenchmark.sagasWithWaitResult");
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore())
                .as(r.getParams().getBenchmark()).isPositive());
    }
}
