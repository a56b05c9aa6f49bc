package io.ratchet.node;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What an operator sees of three node processes logging JSON: every node's metrics, a transaction's timeline on
 * any node, the cluster as a follower sees it, and one log line per transaction event carrying the gid.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObservabilityIT {

    private static final Duration FINAL_WITHIN = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Path dir;
    private ProcessCluster cluster;
    private BusinessService service;

    @BeforeAll
    void startCluster() throws Exception {
        dir = Files.createTempDirectory("observability-it");
        cluster = ProcessCluster.start(dir, "ratchet.log.format = json");
        service = BusinessService.start();
        cluster.awaitLeader(Duration.ofSeconds(90));
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

    private DtmClient client(String id) {
        return new DtmClient(cluster.url(id));
    }

    private String follower() {
        String leader = cluster.awaitLeader(Duration.ofSeconds(30));
        return cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    private String[] step(String gid, int i) {
        return new String[]{service.url("/" + gid + "/a" + i), service.url("/" + gid + "/c" + i)};
    }

    @Test
    void shouldMoveTheMetricsOfEveryNodeWhenASagaSucceeds() {
        List<Long> before = cluster.ids().stream().map(id -> succeededSagas(client(id))).toList();
        String gid = "metrics-" + System.nanoTime();

        client(follower()).post("/api/dtmsvr/submit", DtmClient.saga(gid, List.<String[]>of(step(gid, 0)), List.of("")));
        client(follower()).awaitFinal(gid, FINAL_WITHIN);

        String leader = cluster.awaitLeader(Duration.ofSeconds(10));
        for (int i = 0; i < cluster.ids().size(); i++) {
            DtmClient node = client(cluster.ids().get(i));
            long was = before.get(i);
            await().atMost(Duration.ofSeconds(10)).until(() -> succeededSagas(node) > was);
            JsonNode json = node.get("/api/ratchet/metrics").body();
            assertThat(json.path("ratchet.raft.term").asLong()).isPositive();
            assertThat(json.path("ratchet.raft.applied_index").asLong()).isPositive();
            assertThat(json.path("ratchet.apply").path("count").asLong()).isPositive();
            assertThat(json.path("ratchet.raft.role.leader").asInt())
                    .isEqualTo(cluster.ids().get(i).equals(leader) ? 1 : 0);
            assertThat(json.has("ratchet.transactions.oldest_unfinished_age_ms")).isTrue();
            assertThat(json.has("ratchet.engine.calls_in_flight")).isTrue();
            assertThat(json.path("jvm.memory.heap.used").asLong()).isPositive();
        }
        JsonNode leaderJson = client(leader).get("/api/ratchet/metrics").body();
        assertThat(leaderJson.path("ratchet.branch.calls.action.success").path("count").asLong()).isPositive();
    }

    @Test
    void shouldShowEveryStepOfASagaInItsTimelineOnEveryNode() {
        String gid = "timeline-" + System.nanoTime();
        service.answerFor(gid, "/" + gid + "/a1", Answer.failure());
        client(follower()).post("/api/dtmsvr/submit",
                DtmClient.saga(gid, List.<String[]>of(step(gid, 0), step(gid, 1)), List.of("", "")));
        client(follower()).awaitFinal(gid, FINAL_WITHIN);
        String leader = cluster.awaitLeader(Duration.ofSeconds(10));

        List<String> seen = new ArrayList<>();
        for (String id : cluster.ids()) {
            JsonNode detail = await().atMost(Duration.ofSeconds(10))
                    .until(() -> client(id).get("/api/ratchet/transactions/" + gid),
                            r -> r.status() == 200 && r.body().path("timeline").size() == 5).body();
            assertThat(detail.path("transaction").path("status").asText()).isEqualTo("failed");
            assertThat(detail.path("branches").size()).isEqualTo(4);
            assertThat(detail.path("timeline_dropped").asInt()).isZero();
            JsonNode timeline = detail.path("timeline");
            List<String> steps = new ArrayList<>();
            long previousIndex = 0;
            for (JsonNode step : timeline) {
                steps.add(step.path("command").asText() + " " + step.path("branch_id").asText("") + " "
                        + step.path("op").asText("") + " " + step.path("result").asText("") + " -> "
                        + step.path("status").asText());
                assertThat(step.path("index").asLong()).isGreaterThan(previousIndex);
                previousIndex = step.path("index").asLong();
                assertThat(step.path("term").asLong()).isPositive();
                assertThat(step.path("time").asText()).isNotEmpty();
                if (step.path("command").asText().equals("report_branch")) {
                    assertThat(step.path("node").asText()).isEqualTo(leader);
                    assertThat(step.path("duration_ms").isNumber()).isTrue();
                } else {
                    assertThat(step.path("node").isMissingNode() || step.path("node").isNull()).isTrue();
                }
            }
            assertThat(steps).containsExactly(
                    "submit    -> submitted",
                    "report_branch 01 action success -> submitted",
                    "report_branch 02 action failure -> aborting",
                    "report_branch 02 compensate success -> aborting",
                    "report_branch 01 compensate success -> failed");
            seen.add(timeline.toString());
        }
        assertThat(seen).as("every node recorded the same timeline").containsOnly(seen.get(0));
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownGidAndBadRequestForABadOne() {
        DtmClient.Reply unknown = client(follower()).get("/api/ratchet/transactions/no-such-gid-" + System.nanoTime());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("message").asText()).contains("no-such-gid");

        DtmClient.Reply bad = client(follower()).get("/api/ratchet/transactions/bad%3Bgid");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("field").asText()).isEqualTo("gid");
    }

    @Test
    void shouldShowTheClusterAsAFollowerSeesItAndANodeDownWhenKilled() throws Exception {
        String leader = cluster.awaitLeader(Duration.ofSeconds(30));
        String asked = follower();
        String victim = cluster.ids().stream().filter(id -> !id.equals(leader) && !id.equals(asked)).findFirst()
                .orElseThrow();

        JsonNode view = client(asked).get("/api/ratchet/cluster").body();
        assertThat(view.path("leader").asText()).isEqualTo(leader);
        assertThat(view.path("nodes")).hasSize(3);
        for (JsonNode node : view.path("nodes")) {
            assertThat(node.path("up").asBoolean()).as(node.toString()).isTrue();
            assertThat(node.path("role").asText()).isEqualTo(node.path("id").asText().equals(leader) ? "leader" : "follower");
            assertThat(node.path("lag").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(node.path("url").asText()).isEqualTo(cluster.url(node.path("id").asText()));
        }

        cluster.kill(victim);
        try {
            JsonNode down = client(asked).get("/api/ratchet/cluster").body();
            JsonNode victimView = null;
            for (JsonNode node : down.path("nodes")) {
                if (node.path("id").asText().equals(victim)) {
                    victimView = node;
                }
            }
            assertThat(victimView).isNotNull();
            assertThat(victimView.path("up").asBoolean()).isFalse();
            assertThat(victimView.path("error").asText()).isNotEmpty();
        } finally {
            cluster.start(victim);
            cluster.awaitLeader(Duration.ofSeconds(60));
        }
    }

    @Test
    void shouldWriteOneJsonLinePerTransactionEventCarryingTheGid() {
        String gid = "logged-" + System.nanoTime();
        client(follower()).post("/api/dtmsvr/submit", DtmClient.saga(gid, List.<String[]>of(step(gid, 0)), List.of("")));
        client(follower()).awaitFinal(gid, FINAL_WITHIN);

        List<JsonNode> lines = await().atMost(Duration.ofSeconds(10)).until(() -> transactionLines(gid),
                l -> l.stream().anyMatch(line -> line.path("formattedMessage").asText().equals("saga succeed")));
        assertThat(lines).extracting(line -> line.path("formattedMessage").asText())
                .contains("saga submitted", "saga succeed");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.path("level").asText()).isNotEmpty();
            assertThat(line.path("timestamp").asLong()).isPositive();
        });
    }

    /** The JSON log lines of io.ratchet.tx on any node whose key-values name {@code gid}; every line must be JSON. */
    private List<JsonNode> transactionLines(String gid) {
        List<JsonNode> found = new ArrayList<>();
        for (String id : cluster.ids()) {
            for (String line : cluster.log(id).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode json;
                try {
                    json = JSON.readTree(line);
                } catch (IOException e) {
                    throw new AssertionError("Expected a JSON log line, but got: " + line, e);
                }
                if (json.path("loggerName").asText().equals("io.ratchet.tx")
                        && json.path("kvpList").toString().contains("\"gid\":\"" + gid + "\"")) {
                    found.add(json);
                }
            }
        }
        return found;
    }

    /** The succeeded-saga counter of a node, read from its Prometheus text. */
    private static long succeededSagas(DtmClient node) {
        try {
            // A client at the JDK's default (HTTP/2 upgrade on plain HTTP), as a Prometheus-minded user writes one.
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            var m = Pattern.compile("(?m)^ratchet_transactions_succeed_saga(?:_total)? ([0-9.eE+]+)$").matcher(r.body());
            return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
