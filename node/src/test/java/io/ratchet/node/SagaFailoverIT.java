package io.ratchet.node;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The leader is SIGKILLed while 200 sagas are mid-flight: the new leader finishes every one of them correctly. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SagaFailoverIT {

    private static final int SAGAS = 200;

    @TempDir
    Path dir;

    @Test
    void shouldFinishEverySagaCorrectlyWhenTheLeaderIsKilledMidFlight() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(dir); BusinessService service = BusinessService.start()) {
            String leader = cluster.awaitLeader(Duration.ofSeconds(90));
            List<String> followers = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();

            // given: 200 three-step sagas with slow actions; half fail at step 2 (index 1)
            String run = "fo" + System.nanoTime();
            List<String> gids = new ArrayList<>();
            for (int i = 0; i < SAGAS; i++) {
                String gid = run + "-" + i;
                gids.add(gid);
                for (int s = 0; s < 3; s++) {
                    Answer answer = i % 2 == 1 && s == 1 ? Answer.failure() : Answer.success();
                    service.answer("/" + gid + "/a" + s, Answer.delay(Duration.ofMillis(300), answer));
                }
            }
            int sent = 0;
            for (String gid : gids) {
                String node = sent++ % 3 == 0 ? leader : followers.get(sent % 2);
                var body = DtmClient.saga(gid, List.<String[]>of(step(service, gid, 0), step(service, gid, 1),
                        step(service, gid, 2)), List.of("", "", ""));
                assertThat(new DtmClient(cluster.url(node)).post("/api/dtmsvr/submit", body).status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> service.calls().size() > SAGAS);

            // when
            long killedAt = System.nanoTime();
            cluster.kill(leader);
            int callsAtKill = service.calls().size();
            String newLeader = cluster.awaitLeader(Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(30)).until(() -> service.calls().size() > callsAtKill + 3);
            long firstResumed = service.calls().stream().filter(c -> c.atNanos() > killedAt)
                    .mapToLong(BusinessService.Call::atNanos).min().orElseThrow();
            System.out.printf("leader %s killed; %s leads; first branch call %d ms after the kill%n", leader, newLeader,
                    (firstResumed - killedAt) / 1_000_000);
            JsonNode resumedCommit = await().atMost(Duration.ofSeconds(30))
                    .until(() -> new DtmClient(cluster.url(newLeader)).get("/api/ratchet/metrics").body()
                            .path("ratchet.leader.first_resumed_commit"), m -> m.path("count").asLong() == 1);
            System.out.printf("new leader's first resumed commit: %.0f ms after its election%n",
                    resumedCommit.path("p50_ms").asDouble());

            // then: every saga ends, as it should, as the business service saw it
            DtmClient client = new DtmClient(cluster.url(newLeader));
            for (int i = 0; i < SAGAS; i++) {
                String gid = gids.get(i);
                JsonNode done = awaitFinal(client, gid);
                String status = done.path("transaction").path("status").asText();
                List<String> seen = service.calls(gid).stream()
                        .map(c -> c.path().substring(c.path().lastIndexOf('/') + 1)).toList();
                if (i % 2 == 0) {
                    assertThat(status).as(gid + " " + seen).isEqualTo("succeed");
                    assertThat(seen).as(gid).contains("a0", "a1", "a2").doesNotContain("c0", "c1", "c2");
                } else {
                    assertThat(status).as(gid + " " + seen).isEqualTo("failed");
                    assertThat(DtmClient.rowStatuses(done)).as(gid)
                            .containsExactly("succeed", "succeed", "succeed", "failed", "prepared", "prepared");
                    int firstCompensation = seen.indexOf("c1");
                    assertThat(firstCompensation).as(gid + " " + seen).isPositive();
                    // compensations in reverse order, and no action once compensating began
                    assertThat(seen.lastIndexOf("c1")).as(gid + " " + seen).isLessThan(seen.indexOf("c0"));
                    assertThat(seen.subList(firstCompensation, seen.size())).as(gid + " " + seen)
                            .doesNotContain("a0", "a1", "a2");
                    assertThat(seen).as(gid).doesNotContain("a2", "c2");
                }
            }

            // and the killed node comes back and agrees
            cluster.start(leader);
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.status(leader)
                    .map(s -> s.path("role").asText().equals("follower")).orElse(false));
            JsonNode fromRestarted = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> new DtmClient(cluster.url(leader)).query(gids.get(1)), q -> q != null && q.path("transaction").has("status"));
            assertThat(fromRestarted.path("transaction").path("status").asText()).isEqualTo("failed");
        }
    }

    private static JsonNode awaitFinal(DtmClient client, String gid) {
        try {
            return client.awaitFinal(gid, Duration.ofSeconds(60));
        } catch (UncheckedIOException e) {
            throw new AssertionError("query of " + gid + " failed", e);
        }
    }

    private static String[] step(BusinessService service, String gid, int i) {
        return new String[]{service.url("/" + gid + "/a" + i), service.url("/" + gid + "/c" + i)};
    }
}
