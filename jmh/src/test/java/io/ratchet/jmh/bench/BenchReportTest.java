package io.ratchet.jmh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    @TempDir
    Path dir;

    @Test
    void shouldParseOptionsAndRefuseWrongOnes() {
        BenchOptions o = BenchOptions.parse("--duration", "60", "--rate", "500", "--branches", "3", "--wait-result");
        assertThat(o.durationS()).isEqualTo(60);
        assertThat(o.rate()).isEqualTo(500);
        assertThat(o.branches()).isEqualTo(3);
        assertThat(o.waitResult()).isTrue();
        assertThat(o.ceilingS()).isEqualTo(20);
        assertThat(BenchOptions.parse().concurrency()).isEqualTo(64);

        assertThatThrownBy(() -> BenchOptions.parse("--duration")).hasMessageContaining("Missing a value");
        assertThatThrownBy(() -> BenchOptions.parse("--rate", "fast")).hasMessageContaining("'fast'");
        assertThatThrownBy(() -> BenchOptions.parse("--colour", "1")).hasMessageContaining("Unknown option");
        assertThatThrownBy(() -> BenchOptions.parse("--branches", "0")).hasMessageContaining("branches");
    }

    @Test
    void shouldReadTheSubmitTimeOfAPayload() {
        assertThat(BranchService.parseMicros("{\"t\":1795554680692429,\"pad\":\"xx\"}")).isEqualTo(1795554680692429L);
        assertThat(BranchService.parseMicros("{\"amount\":30}")).isEqualTo(-1);
    }

    @Test
    void shouldPutEachFigureBesideItsCeilingAndSayWhichTargetsHeld() throws Exception {
        Report report = new Report(BenchOptions.parse("--rounds", "2"));
        report.httpCeilings.add(result("http ceiling", 8_000));
        report.httpCeilings.add(result("http ceiling", 12_000));
        report.raftCeilings.add(result("raft ceiling", 30_000));
        report.raftCeilings.add(result("raft ceiling", 40_000));
        report.saturation.add(new Report.SagaPhase(result("ratchet saturation", 3_500), 3_500, 3_500, histogram(),
                0));
        report.saturation.add(new Report.SagaPhase(result("ratchet saturation", 3_300), 3_300, 3_300, histogram(),
                0));
        report.fixedRate = new Report.SagaPhase(result("ratchet fixed rate", 1_700), 1_700, 1_700, histogram(), 0);
        report.offeredRate = 1_700;
        report.placed.add(new Report.Placed(0, report.httpCeilings.get(0)));
        report.placed.add(new Report.Placed(5, report.saturation.get(0).submits()));

        String table = report.table();

        assertThat(Report.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(table).contains("3400", "10000", "34% of the HTTP ceiling", "10200", "35000");
        assertThat(table).contains("sagas/s >= 5000 (floor 3000): floor held", ">= 25% of the HTTP ceiling: held");
        report.write(dir);
        assertThat(Files.readString(dir.resolve("bench.json"))).contains("\"median_sagas_per_s\" : 3400.0");
        assertThat(Files.readString(dir.resolve("bench.svg"))).startsWith("<svg").contains("polyline");
    }

    private static Load.Result result(String name, long perSecond) {
        List<Load.Second> timeline = List.of(new Load.Second(1, perSecond, 12.5), new Load.Second(2, perSecond, 14));
        return new Load.Result(name, 1, perSecond, 0, 0, histogram(), timeline);
    }

    private static Histogram histogram() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 100L);
        }
        return h;
    }
}
