package io.ratchet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retention on three node processes: finished transactions are deleted by a replicated command, so every member
 * deletes the same ones at the same index, by age or by number, even when a member is killed while it deletes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RetentionIT {

    private BusinessService service;
    private ProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private String start(String retention) throws Exception {
        service = BusinessService.start();
        cluster = ProcessCluster.start(Files.createTempDirectory("retention-it"),
                "ratchet.snapshot.threshold-entries = 100\nratchet.retention { " + retention + " }");
        return cluster.awaitLeader(Duration.ofSeconds(90));
    }

    private DtmClient client(String id) {
        return new DtmClient(cluster.url(id));
    }

    private Map<String, Object> saga(String gid, boolean waitResult) {
        Map<String, Object> body = DtmClient.saga(gid, List.<String[]>of(new String[]{service.url("/a"), service.url("/ac")},
                new String[]{service.url("/b"), service.url("/bc")}), List.of("{}", "{}"));
        body.put("wait_result", waitResult);
        return body;
    }

    private static long metric(DtmClient node, String name) {
        return node.get("/api/ratchet/metrics").body().path(name).asLong();
    }

    @Test
    void shouldExpireOnEveryMemberAtTheSameIndexAndThenTakeTheGidAsNew() throws Exception {
        start("finished-transactions = 2s, sweep-interval = 200ms");
        List<String> gids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String gid = "expiring-" + i;
            DtmClient.Reply reply = client(cluster.ids().get(i % 3)).post("/api/dtmsvr/submit", saga(gid, true));
            assertThat(reply.body().path("dtm_result").asText()).as(gid).isEqualTo("SUCCESS");
            gids.add(gid);
        }

        for (String id : cluster.ids()) {
            DtmClient node = client(id);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> gids.stream().allMatch(g -> node.query(g).path("transaction").isNull()));
            assertThat(node.query(gids.get(0)).path("branches").size()).isZero();
        }
        JsonNode digest = cluster.awaitEqualFinishedStores(cluster.ids());
        assertThat(digest.path("keys").asLong()).as("only the two meta keys are left").isEqualTo(2);
        for (String id : cluster.ids()) {
            assertThat(metric(client(id), "ratchet.transactions.expired")).isEqualTo(20);
            assertThat(metric(client(id), "ratchet.transactions.finished_stored")).isZero();
        }

        // like DTM after its expiry, the gid is free again: a new transaction, run again
        DtmClient node = client(cluster.ids().get(1));
        assertThat(node.post("/api/dtmsvr/submit", saga(gids.get(0), true)).body().path("dtm_result").asText())
                .isEqualTo("SUCCESS");
        assertThat(service.calls(gids.get(0)).stream().filter(c -> c.path().equals("/a")).count()).isEqualTo(2);
    }

    @Test
    void shouldKeepMembersEqualWhenOneIsKilledWhileRetentionDeletesByNumber() throws Exception {
        String leader = start("max-finished = 50, sweep-interval = 100ms");
        String victim = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        String other = cluster.ids().stream().filter(id -> !id.equals(leader) && !id.equals(victim)).findFirst()
                .orElseThrow();

        int total = 300;
        for (int i = 0; i < total; i++) {
            if (i == 100) {
                cluster.kill(victim); // the sweeps delete all along while sagas finish: killed in the middle of it
            }
            if (i == 200) {
                cluster.start(victim);
            }
            String via = i % 2 == 0 ? leader : other;
            assertThat(client(via).post("/api/dtmsvr/submit", saga("counted-" + i, false)).status()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> metric(client(leader), "ratchet.transactions.unfinished") == 0
                        && metric(client(leader), "ratchet.transactions.finished_stored") == 50);
        await().atMost(Duration.ofSeconds(90)).until(() -> cluster.status(victim).isPresent());
        JsonNode digest = cluster.awaitEqualFinishedStores(cluster.ids());
        assertThat(digest.path("keys").asLong()).isEqualTo(50 * 3 + 2);
        DtmClient restarted = client(victim);
        assertThat(metric(restarted, "ratchet.transactions.finished_stored")).isEqualTo(50);
        assertThat(restarted.query("counted-0").path("transaction").isNull()).isTrue();
    }
}
