package io.ratchet.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading cluster.conf: the shipped defaults, flag overrides, path resolution and refused configurations. */
class NodeConfigTest {

    private static final Path SHIPPED = Path.of("..", "cluster.conf");

    @TempDir
    Path dir;

    @Test
    void shouldReadTheShippedClusterConf() {
        NodeConfig config = NodeConfig.load(SHIPPED, "n2", Map.of());

        assertThat(config.nodes()).extracting(NodeAddress::id).containsExactly("n1", "n2", "n3");
        assertThat(config.nodes()).extracting(NodeAddress::httpPort).containsExactly(36789, 36790, 36791);
        assertThat(config.self().dataDir()).isEqualTo(SHIPPED.toAbsolutePath().getParent().resolve("var/data/n2").normalize());
        assertThat(config.log().memberId()).isEqualTo("n2");
        assertThat(config.log().peers()).hasSize(3);
        assertThat(config.log().electionTimeoutMin()).isLessThan(config.log().electionTimeoutMax());
        assertThat(config.retention()).isEqualTo(new Retention(Duration.ofHours(24), 5_000_000, Duration.ofSeconds(10)));
    }

    @Test
    void shouldLetFlagsOverrideAnyKeyPerNode() {
        NodeConfig config = NodeConfig.load(SHIPPED, "n1", Map.of(
                "ratchet.nodes.n1.http-port", "4000",
                "ratchet.raft.election-timeout-min", "800ms",
                "ratchet.batching.max-bytes", "64KiB"));

        assertThat(config.self().httpPort()).isEqualTo(4000);
        assertThat(config.log().electionTimeoutMin()).isEqualTo(Duration.ofMillis(800));
        assertThat(config.log().maxBatchBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void shouldLetTheOtherNodesDialAProxyInFrontOfTheRaftPort() {
        NodeConfig config = NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.nodes.n2.raft-peer-port", "47000"));

        assertThat(config.log().peers()).extracting(p -> p.id() + " listens " + p.raftPort() + ", dialed " + p.address())
                .containsExactly("n1 listens 36889, dialed 127.0.0.1:36889", "n2 listens 36890, dialed 127.0.0.1:47000",
                        "n3 listens 36891, dialed 127.0.0.1:36891");
    }

    @Test
    void shouldRefuseAnUnknownNodeNamingTheKnownOnes() {
        assertThatThrownBy(() -> NodeConfig.load(SHIPPED, "n9", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("n9").hasMessageContaining("[n1, n2, n3]");
    }

    @Test
    void shouldRefuseTwoNodesOnOnePort() {
        assertThatThrownBy(() -> NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.nodes.n2.http-port", "36789")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("127.0.0.1:36789");
    }

    @Test
    void shouldNameTheKeyThatIsMissingOrMistyped() throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "include file(\"" + SHIPPED.toAbsolutePath() + "\")\n"
                + "ratchet.raft.election-timeout-min = soon\n");

        assertThatThrownBy(() -> NodeConfig.load(file, "n1", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("election-timeout-min");
    }

    @Test
    void shouldRefuseElectionTimeoutsInTheWrongOrder() {
        assertThatThrownBy(() -> NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.raft.election-timeout-min", "5s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("electionTimeoutMin");
    }

    @Test
    void shouldReadTheLogFormatAndRefuseAnUnknownOneOrLevel() {
        NodeConfig json = NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.log.format", "JSON",
                "ratchet.log.transactions", "debug"));
        assertThat(json.logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(json.transactionLogLevel()).isEqualTo("DEBUG");
        assertThat(NodeConfig.load(SHIPPED, "n1", Map.of()).logFormat()).isEqualTo(LogFormat.TEXT);

        assertThatThrownBy(() -> NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.log.format", "xml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ratchet.log.format").hasMessageContaining("xml");
        assertThatThrownBy(() -> NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.log.transactions", "loud")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ratchet.log.transactions");
    }

    @Test
    void shouldReadTheSecuritySettingsAndNameABadEntry() {
        NodeConfig open = NodeConfig.load(SHIPPED, "n1", Map.of());
        assertThat(open.apiTokens().required()).isFalse();
        assertThat(open.adminTokens().required()).isFalse();
        assertThat(open.branchUrls().refusal("http://10.1.2.3:9/a")).isEmpty();

        NodeConfig strict = NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.security.branch-urls.hosts.0", "10.0.0.0/8",
                "ratchet.security.api-tokens.0", "t1"));
        assertThat(strict.branchUrls().refusal("http://10.1.2.3:9/a")).isEmpty();
        assertThat(strict.branchUrls().refusal("http://192.168.1.1:9/a")).isPresent();
        assertThat(strict.apiTokens().accepts("Bearer t1")).isTrue();

        assertThatThrownBy(() -> NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.security.branch-urls.ports.0", "http")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("branch-urls").hasMessageContaining("'http'");
        assertThatThrownBy(() -> NodeConfig.load(SHIPPED, "n1", Map.of("ratchet.limits.max-unfinished-transactions", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max-unfinished-transactions");
    }
}
