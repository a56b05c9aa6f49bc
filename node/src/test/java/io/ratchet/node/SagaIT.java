package io.ratchet.node;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Sagas end to end: three node processes from the fat jar and a real HTTP business service, one scenario per DTM
 * saga case, each submitted to a different node in turn (leader and followers alike).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SagaIT {

    private static final Duration FINAL_WITHIN = Duration.ofSeconds(30);
    private final AtomicInteger next = new AtomicInteger();
    private Path dir;
    private ProcessCluster cluster;
    private BusinessService service;

    @BeforeAll
    void startCluster() throws Exception {
        dir = Files.createTempDirectory("saga-it");
        cluster = ProcessCluster.start(dir);
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

    /** Each request goes to the next node in turn. */
    private DtmClient node() {
        List<String> ids = cluster.ids();
        return new DtmClient(cluster.url(ids.get(next.getAndIncrement() % ids.size())));
    }

    private String gid(String name) {
        return name + "-" + System.nanoTime();
    }

    private String[] step(String gid, int i) {
        return new String[]{service.url("/" + gid + "/a" + i), service.url("/" + gid + "/c" + i)};
    }

    /** The business calls of one saga as "a0", "c1", ... in arrival order. */
    private List<String> seen(String gid) {
        return service.calls(gid).stream().map(c -> c.path().substring(c.path().lastIndexOf('/') + 1)).toList();
    }

    @Test
    void shouldSucceedWhenEveryActionSucceeds() {
        String gid = gid("normal");
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0), step(gid, 1)), List.of("{\"amount\":30}", "{\"amount\":30}"));

        DtmClient.Reply reply = node().post("/api/dtmsvr/submit", body);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("dtm_result").asText()).isEqualTo("SUCCESS");
        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(DtmClient.rowStatuses(done)).containsExactly("prepared", "succeed", "prepared", "succeed");
        assertThat(seen(gid)).containsExactly("a0", "a1");
        BusinessService.Call first = service.calls(gid).get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.body()).isEqualTo("{\"amount\":30}");
        assertThat(first.transType()).isEqualTo("saga");
        assertThat(first.branchId()).isEqualTo("01");
        assertThat(first.op()).isEqualTo("action");
    }

    @Test
    void shouldCompensateInReverseOrderWhenALaterActionFails() {
        String gid = gid("rollback");
        service.answer("/" + gid + "/a2", Answer.failure());
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0), step(gid, 1), step(gid, 2)), List.of("p", "p", "p"));

        assertThat(node().post("/api/dtmsvr/submit", body).status()).isEqualTo(200);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(done.path("transaction").path("rollback_reason").asText()).contains("business refused");
        assertThat(DtmClient.rowStatuses(done))
                .containsExactly("succeed", "succeed", "succeed", "succeed", "succeed", "failed");
        assertThat(seen(gid)).containsExactly("a0", "a1", "a2", "c2", "c1", "c0");
    }

    @Test
    void shouldRetryACompensationUntilItSucceeds() {
        String gid = gid("compensate-retry");
        service.answer("/" + gid + "/a1", Answer.failure());
        service.answer("/" + gid + "/c1", Answer.status(500), Answer.body(200, "FAILURE, try again"), Answer.success());
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0), step(gid, 1)), List.of("", ""));

        node().post("/api/dtmsvr/submit", body);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(seen(gid)).containsExactly("a0", "a1", "c1", "c1", "c1", "c0");
    }

    @Test
    void shouldCallAgainAfterOngoingAndSucceed() {
        String gid = gid("ongoing");
        service.answer("/" + gid + "/a0", Answer.ongoing(), Answer.success());
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0)), List.of(""));

        node().post("/api/dtmsvr/submit", body);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("a0", "a0");
        assertThat(service.calls(gid)).allMatch(c -> c.method().equals("GET"));
    }

    @Test
    void shouldTreatTemporaryErrorsAndTimeoutsAsRetriable() {
        String gid = gid("temporary");
        service.answer("/" + gid + "/a0", Answer.status(500), Answer.reset(),
                Answer.delay(Duration.ofSeconds(3), Answer.success()), Answer.body(200, ""));
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0)), List.of(""));
        body.put("request_timeout", 1);

        node().post("/api/dtmsvr/submit", body);

        JsonNode done = node().awaitFinal(gid, Duration.ofSeconds(60));
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("a0", "a0", "a0", "a0");
    }

    @Test
    void shouldAbortAndCompensateWhenTimeoutToFailPasses() {
        String gid = gid("timeout");
        service.answer("/" + gid + "/a1", Answer.ongoing());
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0), step(gid, 1)), List.of("", ""));
        body.put("timeout_to_fail", 3);

        node().post("/api/dtmsvr/submit", body);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(done.path("transaction").path("rollback_reason").asText()).startsWith("Timeout after");
        List<String> seen = seen(gid);
        assertThat(seen).endsWith("c1", "c0");
        assertThat(seen.subList(seen.indexOf("c1"), seen.size())).doesNotContain("a0", "a1");
    }

    @Test
    void shouldAbortWhenRetryLimitIsExhausted() {
        String gid = gid("retry-limit");
        service.answer("/" + gid + "/a0", Answer.status(503));
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0)), List.of(""));
        body.put("retry_limit", 2);

        node().post("/api/dtmsvr/submit", body);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(seen(gid)).as("the first call and retry_limit more").containsExactly("a0", "a0", "a0", "c0");
    }

    @Test
    void shouldRunConcurrentStepsByOrdersAndCompensateAlongTheDag() {
        // 0 and 1 independent; 2 waits for 0 and 1; 2 fails
        String gid = gid("concurrent");
        service.answer("/" + gid + "/a2", Answer.failure());
        service.answer("/" + gid + "/a0", Answer.delay(Duration.ofMillis(300), Answer.success()));
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0), step(gid, 1), step(gid, 2)), List.of("", "", ""));
        body.put("custom_data", "{\"concurrent\":true,\"orders\":{\"2\":[0,1]}}");

        node().post("/api/dtmsvr/submit", body);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        List<String> seen = seen(gid);
        assertThat(seen.indexOf("a2")).isGreaterThan(seen.indexOf("a0")).isGreaterThan(seen.indexOf("a1"));
        assertThat(seen.indexOf("c2")).isLessThan(seen.indexOf("c0")).isLessThan(seen.indexOf("c1"));
        assertThat(seen).containsExactlyInAnyOrder("a0", "a1", "a2", "c2", "c1", "c0");
    }

    @Test
    void shouldSendBranchHeadersAndSkipEmptyUrls() {
        String gid = gid("headers");
        var body = DtmClient.saga(gid, List.<String[]>of(new String[]{"", ""}, step(gid, 1)), List.of("", "{}"));
        body.put("branch_headers", Map.of("X-Trace-Id", "trace-42"));

        node().post("/api/dtmsvr/submit", body);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(DtmClient.rowStatuses(done)).containsExactly("prepared", "succeed", "prepared", "succeed");
        assertThat(service.calls(gid)).hasSize(1);
        assertThat(service.calls(gid).get(0).headers()).containsEntry("x-trace-id", "trace-42");
        assertThat(service.calls(gid).get(0).method()).isEqualTo("POST");
    }

    @Test
    void shouldAnswerWaitResultWithTheOutcome() {
        String ok = gid("wait-ok");
        var body = DtmClient.saga(ok, List.<String[]>of(step(ok, 0)), List.of(""));
        body.put("wait_result", true);
        assertThat(node().post("/api/dtmsvr/submit", body).status()).isEqualTo(200);
        assertThat(node().query(ok).path("transaction").path("status").asText()).isEqualTo("succeed");

        String failed = gid("wait-failed");
        service.answer("/" + failed + "/a0", Answer.failure());
        body = DtmClient.saga(failed, List.<String[]>of(step(failed, 0)), List.of(""));
        body.put("wait_result", true);
        DtmClient.Reply reply = node().post("/api/dtmsvr/submit", body);
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.body().path("dtm_result").asText()).isEqualTo("FAILURE");

        String ongoing = gid("wait-ongoing");
        service.answer("/" + ongoing + "/a0", Answer.ongoing(), Answer.success());
        body = DtmClient.saga(ongoing, List.<String[]>of(step(ongoing, 0)), List.of(""));
        body.put("wait_result", true);
        reply = node().post("/api/dtmsvr/submit", body);
        assertThat(reply.status()).isEqualTo(425);
        assertThat(reply.body().path("dtm_result").asText()).isEqualTo("ONGOING");
    }

    @Test
    void shouldAcceptAResubmitAndRefuseASubmitAfterTheEnd() {
        String gid = gid("resubmit");
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0)), List.of(""));
        service.answer("/" + gid + "/a0", Answer.delay(Duration.ofSeconds(1), Answer.success()));

        assertThat(node().post("/api/dtmsvr/submit", body).status()).isEqualTo(200);
        assertThat(node().post("/api/dtmsvr/submit", body).status()).isEqualTo(200);
        node().awaitFinal(gid, FINAL_WITHIN);
        DtmClient.Reply late = node().post("/api/dtmsvr/submit", body);

        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body().path("dtm_result").asText()).isEqualTo("FAILURE");
        assertThat(seen(gid)).containsExactly("a0");
    }

    @Test
    void shouldRefuseInvalidBodiesNamingTheField() {
        String gid = gid("invalid");
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[]{"{not json", "body"});
        cases.add(new Object[]{"{\"trans_type\":\"saga\",\"steps\":[{\"action\":\"http://x/a\"}]}", "gid"});
        cases.add(new Object[]{"{\"gid\":\"bad;gid\",\"trans_type\":\"saga\"}", "gid"});
        cases.add(new Object[]{"{\"gid\":\"" + gid + "\",\"trans_type\":\"sago\"}", "trans_type"});
        cases.add(new Object[]{"{\"gid\":\"" + gid + "\",\"trans_type\":\"saga\",\"steps\":[{\"action\":\"ftp://x\"}]}",
                "steps[0].action"});
        cases.add(new Object[]{"{\"gid\":\"" + gid + "\",\"trans_type\":\"saga\",\"steps\":[{\"action\":\"http://x/a\"}],"
                + "\"timeout_to_fail\":\"soon\"}", "timeout_to_fail"});
        cases.add(new Object[]{"{\"gid\":\"" + gid + "\",\"trans_type\":\"saga\",\"steps\":[{\"action\":\"http://x/a\"}],"
                + "\"custom_data\":\"{\\\"concurrent\\\":true,\\\"orders\\\":{\\\"0\\\":[0]}}\"}", "custom_data.orders.0"});
        String step = "{\"action\":\"http://x/a\"}";
        cases.add(new Object[]{"{\"gid\":\"" + gid + "\",\"trans_type\":\"saga\",\"steps\":["
                + String.join(",", java.util.Collections.nCopies(1_001, step)) + "]}", "steps"});
        cases.add(new Object[]{"{\"gid\":\"" + gid + "\",\"trans_type\":\"saga\",\"steps\":[{\"action\":\"http://x/"
                + "a".repeat(2_100) + "\"}]}", "steps[0].action"});
        cases.add(new Object[]{"{\"gid\":\"" + gid + "\",\"trans_type\":\"saga\",\"steps\":[" + step + "],"
                + "\"payloads\":[\"" + "\u00e9".repeat(150_000) + "\"]}", "payloads[0]"});
        for (Object[] c : cases) {
            DtmClient.Reply reply = node().post("/api/dtmsvr/submit", c[0]);
            String shown = String.valueOf(c[0]).length() > 300 ? String.valueOf(c[0]).substring(0, 300) : (String) c[0];
            assertThat(reply.status()).as("%s", shown).isEqualTo(400);
            assertThat(reply.body().path("field").asText()).as("%s", shown).isEqualTo(c[1]);
            assertThat(reply.body().path("dtm_result").asText()).isEqualTo("FAILURE");
        }
        assertThat(node().query(gid).path("transaction").isNull()).isTrue();
    }

    @Test
    void shouldAcceptDtmJavaClientLeniency() {
        String gid = gid("lenient");
        String body = "{\n  \"GID\" : \"" + gid + "\",\n  \"trans_type\" : \"saga\",\n  \"subType\" : \"a\",\n"
                + "  \"subType\" : \"b\",\n  \"steps\" : [ {\"action\":\"" + service.url("/" + gid + "/a0")
                + "\",\"compensate\":\"\"} ],\n  \"payloads\" : [ \"\" ],\n  \"unknown\" : 1\n}";

        assertThat(node().post("/api/dtmsvr/submit", body).status()).isEqualTo(200);
        assertThat(node().awaitFinal(gid, FINAL_WITHIN).path("transaction").path("status").asText()).isEqualTo("succeed");
    }

    @Test
    void shouldListTransactionsNewestFirstWithPaging() {
        String prefix = "page-" + System.nanoTime() + "-";
        for (int i = 0; i < 3; i++) {
            String gid = prefix + i;
            node().post("/api/dtmsvr/submit", DtmClient.saga(gid, List.<String[]>of(new String[]{"", ""}), List.of("")));
        }
        JsonNode first = node().get("/api/dtmsvr/all?gidPrefix=" + prefix + "&limit=2").body();
        assertThat(first.path("transactions")).hasSize(2);
        JsonNode second = node().get("/api/dtmsvr/all?gidPrefix=" + prefix + "&limit=2&position="
                + first.path("next_position").asText()).body();
        assertThat(second.path("transactions")).hasSize(1);
        assertThat(second.path("next_position").asText()).isEmpty();
        // as DTM, gid= is one transaction exactly, whatever else is asked
        JsonNode exact = node().get("/api/dtmsvr/all?gid=" + prefix + "1&status=failed").body();
        assertThat(exact.path("transactions")).extracting(t -> t.path("gid").asText()).containsExactly(prefix + "1");
        assertThat(node().get("/api/dtmsvr/all?gid=" + prefix).body().path("transactions")).isEmpty();
        assertThat(node().get("/api/dtmsvr/all?position=nonsense").status()).isEqualTo(400);
        assertThat(node().get("/api/dtmsvr/newGid").body().path("dtm_result").asText()).isEqualTo("SUCCESS");
    }
}
