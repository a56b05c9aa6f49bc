package io.ratchet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three node processes from the fat jar over real sockets: SIGKILL the leader, a new one takes over, it rejoins. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterProcessIT {

    @TempDir
    Path dir;

    @Test
    void shouldElectNewLeaderWhenLeaderIsKilledAndLetTheKilledNodeRejoin() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(dir)) {
            // given: three nodes that agree on a leader (cold JVMs on 2 cores: a generous deadline)
            String leader = cluster.awaitLeader(Duration.ofSeconds(90));
            long termBefore = cluster.status(leader).orElseThrow().path("term").asLong();

            // when
            cluster.kill(leader);

            // then: the two others agree on a new leader in a later term
            String newLeader = cluster.awaitLeader(Duration.ofSeconds(15));
            assertThat(newLeader).isNotEqualTo(leader);
            JsonNode status = cluster.status(newLeader).orElseThrow();
            assertThat(status.path("term").asLong()).isGreaterThan(termBefore);
            assertThat(status.path("role").asText()).isEqualTo("leader");

            // and: the killed node restarts, follows the new leader and catches up with its applied index
            cluster.start(leader);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    cluster.status(leader).map(s -> s.path("role").asText().equals("follower")
                            && s.path("leader").asText().equals(newLeader)
                            && s.path("appliedIndex").asLong() >= status.path("appliedIndex").asLong()).orElse(false));
            assertThat(cluster.awaitLeader(Duration.ofSeconds(10))).isEqualTo(newLeader);
        }
    }
}
