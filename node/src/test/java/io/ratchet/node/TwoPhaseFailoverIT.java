package io.ratchet.node;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader is SIGKILLed in the middle of TCC confirm phases, and in the middle of message back-checks: the new
 * leader finishes everything, in order.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TwoPhaseFailoverIT {

    private static final int TRANSACTIONS = 40;

    @TempDir
    Path dir;

    @Test
    void shouldFinishEveryConfirmPhaseOnTheNewLeader() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(dir); BusinessService service = BusinessService.start()) {
            String leader = cluster.awaitLeader(Duration.ofSeconds(90));
            String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            DtmClient client = new DtmClient(cluster.url(follower));

            // given: 40 prepared TCCs of two branches each, whose confirms are slow
            List<String> gids = new ArrayList<>();
            for (int i = 0; i < TRANSACTIONS; i++) {
                String gid = "tcc-fo-" + System.nanoTime() + "-" + i;
                gids.add(gid);
                assertThat(client.post("/api/dtmsvr/prepare", Map.of("gid", gid, "trans_type", "tcc",
                        "retry_interval", 1)).status()).isEqualTo(200);
                for (String b : List.of("01", "02")) {
                    service.answer("/" + gid + "/confirm" + b, Answer.delay(Duration.ofMillis(400), Answer.success()));
                    assertThat(client.post("/api/dtmsvr/registerBranch", Map.of("gid", gid, "trans_type", "tcc",
                            "branch_id", b, "confirm", service.url("/" + gid + "/confirm" + b),
                            "cancel", service.url("/" + gid + "/cancel" + b))).status()).isEqualTo(200);
                }
            }
            for (String gid : gids) {
                assertThat(client.post("/api/dtmsvr/submit", Map.of("gid", gid, "trans_type", "tcc")).status())
                        .isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> service.calls().size() >= TRANSACTIONS / 2);

            // when
            cluster.kill(leader);
            cluster.awaitLeader(Duration.ofSeconds(15));

            // then
            for (String gid : gids) {
                JsonNode done = client.awaitFinal(gid, Duration.ofSeconds(60));
                assertThat(done.path("transaction").path("status").asText()).as(gid).isEqualTo("succeed");
                List<String> seen = service.calls(gid).stream()
                        .map(c -> c.path().substring(c.path().lastIndexOf('/') + 1)).toList();
                assertThat(seen).as(gid).contains("confirm01", "confirm02").doesNotContain("cancel01", "cancel02");
                assertThat(seen.lastIndexOf("confirm02")).as(gid + " " + seen).isLessThan(seen.indexOf("confirm01"));
            }
        }
    }

    @Test
    void shouldFinishEveryMessageBackCheckOnTheNewLeader() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(dir); BusinessService service = BusinessService.start()) {
            String leader = cluster.awaitLeader(Duration.ofSeconds(90));
            String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            DtmClient client = new DtmClient(cluster.url(follower));

            // given: 30 prepared messages that time out after 1 s; their back-check is slow, then says SUCCESS
            List<String> gids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String gid = "msg-fo-" + System.nanoTime() + "-" + i;
                gids.add(gid);
                service.answer("/" + gid + "/query", Answer.delay(Duration.ofMillis(500), Answer.success()));
                assertThat(client.post("/api/dtmsvr/prepare", Map.of("gid", gid, "trans_type", "msg",
                        "timeout_to_fail", 1, "retry_interval", 1, "query_prepared", service.url("/" + gid + "/query"),
                        "steps", List.of(Map.of("action", service.url("/" + gid + "/a0"))))).status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> service.calls().stream()
                    .filter(c -> c.path().endsWith("/query")).count() >= 5);

            // when
            cluster.kill(leader);
            cluster.awaitLeader(Duration.ofSeconds(15));

            // then: every message is delivered, after a back-check
            for (String gid : gids) {
                JsonNode done = client.awaitFinal(gid, Duration.ofSeconds(60));
                assertThat(done.path("transaction").path("status").asText()).as(gid).isEqualTo("succeed");
                List<String> seen = service.calls(gid).stream()
                        .map(c -> c.path().substring(c.path().lastIndexOf('/') + 1)).toList();
                assertThat(seen).as(gid).contains("query", "a0");
                assertThat(seen.indexOf("a0")).as(gid + " " + seen).isGreaterThan(seen.indexOf("query"));
            }
        }
    }
}
