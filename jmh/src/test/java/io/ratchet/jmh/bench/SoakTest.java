package io.ratchet.jmh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ratchet.jmh.bench.NodeSampler.NodeSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SoakTest {

    private static final double MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldParseDurationsInSecondsMinutesAndHours() {
        assertThat(BenchOptions.seconds("--soak", "90")).isEqualTo(90);
        assertThat(BenchOptions.seconds("--soak", "45s")).isEqualTo(45);
        assertThat(BenchOptions.seconds("--soak", "30m")).isEqualTo(1_800);
        assertThat(BenchOptions.seconds("--soak", "2h")).isEqualTo(7_200);
        assertThatThrownBy(() -> BenchOptions.seconds("--soak", "10 minutes")).hasMessageContaining("'10 minutes'");
        assertThatThrownBy(() -> BenchOptions.seconds("--sample", "-5s")).hasMessageContaining("--sample");
    }

    @Test
    void shouldPassRetentionToTheNodesOnlyWhenAsked() {
        // given
        BenchOptions defaults = BenchOptions.parse("--soak", "30m");
        BenchOptions asked = BenchOptions.parse("--soak", "2m", "--rate", "200", "--retention", "10m",
                "--journal-retention", "1h", "--node-flag", "snapshot.threshold-entries=5000", "--sample", "5s");

        // then
        assertThat(defaults.rate()).isEqualTo(500);
        assertThat(defaults.soak().sampleS()).isEqualTo(10);
        assertThat(defaults.soak().nodeArgs()).isEmpty();
        assertThat(asked.rate()).isEqualTo(200);
        assertThat(asked.soak().durationS()).isEqualTo(120);
        assertThat(asked.soak().sampleS()).isEqualTo(5);
        assertThat(asked.soak().nodeArgs()).containsExactly("--ratchet.retention.finished-transactions=600s",
                "--ratchet.storage.journal-retention=3600s", "--ratchet.snapshot.threshold-entries=5000");
        assertThat(BenchOptions.parse().soak()).isNull();
        assertThatThrownBy(() -> BenchOptions.parse("--retention", "10m")).hasMessageContaining("only with --soak");
        assertThatThrownBy(() -> BenchOptions.parse("--soak", "1m", "--rounds", "3"))
                .hasMessageContaining("only without --soak");
        assertThatThrownBy(() -> BenchOptions.parse("--soak", "1m", "--node-flag", "noequals"))
                .hasMessageContaining("key=value");
        assertThatThrownBy(() -> BenchOptions.parse("--soak", "10s", "--sample", "1m")).hasMessageContaining("--sample");
    }

    @Test
    void shouldCallAFlatSeriesFlatAndAGrowingOneNot() {
        // given: 30 minutes sampled every 10 s
        double[] t = IntStream.rangeClosed(1, 180).mapToDouble(i -> i * 10).toArray();
        double[] flat = IntStream.rangeClosed(1, 180).mapToDouble(i -> 100 + (i % 2 == 0 ? 4 : -4)).toArray();
        double[] growing = IntStream.rangeClosed(1, 180).mapToDouble(i -> 100 + i).toArray();
        double[] shortRun = {50, 100, 100, 101, 99, 100};

        // when
        SoakReport.Flatness flatOne = SoakReport.flatness("n1", t, flat, 1_800);
        SoakReport.Flatness growingOne = SoakReport.flatness("n1", t, growing, 1_800);
        SoakReport.Flatness scaled = SoakReport.flatness("n1", new double[]{10, 20, 30, 40, 50, 60}, shortRun, 60);

        // then: the 10-minute mark against the mean of the last 10 minutes
        assertThat(flatOne.windowS()).isEqualTo(600);
        assertThat(flatOne.flat()).isTrue();
        assertThat(growingOne.atMark()).isEqualTo(160);
        assertThat(growingOne.lastMean()).isEqualTo(250.5);
        assertThat(growingOne.flat()).isFalse();
        // a one-minute run: the value at 20 s against the mean after 40 s
        assertThat(scaled.windowS()).isEqualTo(20);
        assertThat(scaled.atMark()).isEqualTo(100);
        assertThat(scaled.flat()).isTrue();
        assertThat(SoakReport.flatness("n1", new double[]{10}, new double[]{-1}, 60).flat()).isNull();
    }

    @Test
    void shouldSumTheAfterGcUseOfTheCollectedPools() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();

        assertThat(NodeSampler.heapAfterGc(json.readTree("{\"jvm.memory.pools.G1-Old-Gen.used-after-gc\": 300,"
                + " \"jvm.memory.pools.G1-Survivor-Space.used-after-gc\": 20, \"jvm.memory.heap.used\": 999}")))
                .isEqualTo(320);
        assertThat(NodeSampler.heapAfterGc(json.readTree("{\"jvm.memory.heap.used\": 999}"))).isEqualTo(-1);
    }

    @Test
    void shouldAddUpTheBytesOfARealDirectoryTree() throws Exception {
        // given
        Path data = dir.resolve("data/n1");
        Files.createDirectories(data.resolve("raft/group/current"));
        Files.createDirectories(data.resolve("journal"));
        Files.write(data.resolve("raft/group/current/log_0-99"), new byte[3_000]);
        Files.write(data.resolve("raft/group/current/log_inprogress_100"), new byte[1_000]);
        Files.write(data.resolve("journal/20261207.cq4"), new byte[500]);
        Files.write(data.resolve("node.id"), new byte[24]);
        Files.createDirectories(data.resolve("store"));
        Files.write(data.resolve("store/000008.sst"), new byte[700]);
        Files.createLink(data.resolve("raft/group/000008.sst"), data.resolve("store/000008.sst")); // a checkpoint

        // then: a hard-linked file counts once in a tree that holds both links
        assertThat(NodeSampler.directoryBytes(data.resolve("raft"))).isEqualTo(4_700);
        assertThat(NodeSampler.directoryBytes(data.resolve("journal"))).isEqualTo(500);
        assertThat(NodeSampler.directoryBytes(data.resolve("store"))).isEqualTo(700);
        assertThat(NodeSampler.directoryBytes(data.resolve("missing"))).isZero();
        assertThat(NodeSampler.directoryBytes(data)).isEqualTo(5_224);
        assertThat(NodeSampler.rssBytes(ProcessHandle.current().pid())).isGreaterThan(1_000_000);
    }

    @Test
    void shouldWriteEverySampleToTheJsonAndTheChart() throws Exception {
        // given: a 60 s soak whose heap stays flat and whose data directories grow
        SoakReport report = new SoakReport(BenchOptions.parse("--soak", "60s", "--retention", "1m"));
        for (int second = 10; second <= 60; second += 10) {
            List<NodeSample> nodes = new ArrayList<>();
            for (String id : List.of("n1", "n2", "n3")) {
                nodes.add(new NodeSample(id, true, id.equals("n1") ? "leader" : "follower", second * 100L,
                        (long) (200 * MB), false, (long) (400 * MB), second * 1_000_000L, second * 500_000L, 0,
                        second * 1_500_000L, new NodeSampler.Timer(second / 10, 80, 120.5), null, second * 190L,
                        NodeSampler.STORED));
            }
            report.add(new SoakReport.Sample(second, 195, 3.2, 41.7, 0, 0, 20.1, nodes));
        }
        report.restart = new NodeSampler.Restart("n2", 1_234, 2.5, 7.4, 1_240);

        // when
        report.write(dir);

        // then
        JsonNode json = new ObjectMapper().readTree(dir.resolve("soak.json").toFile());
        assertThat(json.path("samples")).hasSize(6);
        assertThat(json.path("samples").get(5).path("nodes").get(2).path("dataBytes").asLong()).isEqualTo(90_000_000);
        assertThat(json.path("node_args").get(0).asText()).isEqualTo("--ratchet.retention.finished-transactions=60s");
        assertThat(json.path("verdict").path("heap").get(0).path("flat").asBoolean()).isTrue();
        assertThat(json.path("verdict").path("dataDir").get(0).path("flat").asBoolean()).isFalse();
        assertThat(json.path("verdict").path("restart").path("servingS").asDouble()).isEqualTo(7.4);
        String svg = Files.readString(dir.resolve("soak.svg"));
        assertThat(svg).startsWith("<svg").contains("heap used (no after-GC gauge)", "data-dir bytes");
        assertThat(svg.split("<polyline", -1)).hasSize(8); // heap and data-dir per node, and finished/s
        String table = Files.readString(dir.resolve("soak.txt"));
        assertThat(table).contains("heap: heap used (no after-GC gauge)", "200/200/200", "GROWING",
                "restart of follower n2 after SIGKILL: serving in 7.4 s");
        assertThat(report.failed()).isFalse();
    }
}
