package io.ratchet.node;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.api.wire.WireJson;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Operator features on three node processes: the retry alert webhook, resetCronTime, journal digests, snapshots. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperationsIT {

    private ProcessCluster cluster;
    private BusinessService service;
    private DtmClient follower;

    @BeforeAll
    void startCluster() throws Exception {
        service = BusinessService.start();
        cluster = ProcessCluster.start(Files.createTempDirectory("operations-it"),
                "ratchet.alert { url = \"" + service.url("/alert") + "\", after-retries = 2 }");
        String leader = cluster.awaitLeader(Duration.ofSeconds(90));
        follower = new DtmClient(cluster.url(cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst()
                .orElseThrow()));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void shouldAlertOnceWhenABranchReachesTheRetryThresholdEvenIfTheWebhookFails() throws Exception {
        String gid = "alert-" + System.nanoTime();
        service.answer("/alert", Answer.status(500)); // a failing webhook must not stop anything
        service.answer("/" + gid + "/a0", Answer.status(503), Answer.status(503), Answer.status(503), Answer.success());
        var body = DtmClient.saga(gid, List.<String[]>of(new String[]{service.url("/" + gid + "/a0"), ""}),
                List.of(""));

        follower.post("/api/dtmsvr/submit", body);

        assertThat(follower.awaitFinal(gid, Duration.ofSeconds(30)).path("transaction").path("status").asText())
                .isEqualTo("succeed");
        List<BusinessService.Call> alerts = service.calls().stream().filter(c -> c.path().equals("/alert")
                && c.body().contains(gid)).toList();
        assertThat(alerts).hasSize(1);
        JsonNode alert = WireJson.mapper().readTree(alerts.get(0).body());
        assertThat(alert.path("gid").asText()).isEqualTo(gid);
        assertThat(alert.path("branch_id").asText()).isEqualTo("01");
        assertThat(alert.path("op").asText()).isEqualTo("action");
        assertThat(alert.path("retry_count").asInt()).isEqualTo(2);
        assertThat(alert.path("error").asText()).contains("503");
    }

    @Test
    void shouldRetryAtOnceTransactionsScheduledFarAheadOnResetCronTime() {
        String gid = "cron-" + System.nanoTime();
        service.answer("/" + gid + "/a0", Answer.status(500), Answer.success());
        var body = DtmClient.saga(gid, List.<String[]>of(new String[]{service.url("/" + gid + "/a0"), ""}),
                List.of(""));
        body.put("retry_interval", 600);
        follower.post("/api/dtmsvr/submit", body);
        await().atMost(Duration.ofSeconds(30)).until(() -> service.calls(gid).size() == 1
                && follower.query(gid).path("branches").get(1).path("status").asText().equals("prepared"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                follower.query(gid).path("transaction").path("next_cron_interval").asLong() == 1200);

        JsonNode reset = follower.get("/api/dtmsvr/resetCronTime?timeout=60&limit=1000").body();

        assertThat(reset.path("succeed_count").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(reset.path("has_remaining").asBoolean()).isFalse();
        assertThat(follower.awaitFinal(gid, Duration.ofSeconds(30)).path("transaction").path("status").asText())
                .isEqualTo("succeed");
    }

    @Test
    void shouldGiveTheSameJournalDigestOnEveryNodeOnceTheyHaveAppliedTheSameEntries() {
        for (int i = 0; i < 3; i++) {
            String gid = "digest-" + i + "-" + System.nanoTime();
            follower.post("/api/dtmsvr/submit", DtmClient.saga(gid,
                    List.<String[]>of(new String[]{service.url("/" + gid + "/a0"), ""}), List.of("")));
            follower.awaitFinal(gid, Duration.ofSeconds(30));
        }
        long applied = await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<Long> indexes = cluster.ids().stream()
                    .map(id -> cluster.status(id).map(s -> s.path("appliedIndex").asLong()).orElse(-1L)).toList();
            return indexes.stream().distinct().count() == 1 ? indexes.get(0) : -1L;
        }, index -> index > 0);

        List<JsonNode> digests = cluster.ids().stream().map(id -> new DtmClient(cluster.url(id))
                .get("/api/ratchet/journal/digest?from=0&to=" + applied).body()).toList();

        assertThat(digests).extracting(d -> d.path("sha256").asText()).hasSize(3).doesNotContain("").containsOnly(
                digests.get(0).path("sha256").asText());
        assertThat(digests).allSatisfy(d -> assertThat(d.path("records").asLong()).isPositive());
        assertThat(digests).extracting(d -> d.path("node").asText()).containsExactlyInAnyOrderElementsOf(cluster.ids());
    }

    @Test
    void shouldRefuseADigestRangeThatIsNotOneNamingTheParameter() {
        DtmClient.Reply reversed = follower.get("/api/ratchet/journal/digest?from=9&to=3");
        DtmClient.Reply missing = follower.get("/api/ratchet/journal/digest?from=1");
        DtmClient.Reply negative = follower.get("/api/ratchet/journal/digest?from=-1&to=3");

        assertThat(reversed.status()).isEqualTo(400);
        assertThat(reversed.body().toString()).contains("from <= to");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().toString()).contains("to").contains("missing");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.body().toString()).contains("'-1'");
    }

    @Test
    void shouldTakeASnapshotOnDemand() {
        String gid = "snapshot-" + System.nanoTime();
        follower.post("/api/dtmsvr/submit", DtmClient.saga(gid,
                List.<String[]>of(new String[]{service.url("/" + gid + "/a0"), ""}), List.of("")));
        follower.awaitFinal(gid, Duration.ofSeconds(30));

        DtmClient.Reply reply = follower.post("/api/ratchet/snapshot", java.util.Map.of());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        long index = reply.body().path("snapshotIndex").asLong();
        assertThat(index).isPositive();
        String node = reply.body().path("node").asText();
        assertThat(cluster.status(node).orElseThrow().path("snapshotIndex").asLong()).isGreaterThanOrEqualTo(index);
    }
}
