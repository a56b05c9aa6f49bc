package io.ratchet.node;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
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
 * Where DTM's documented or coded behaviour is what a ported service relies on, Ratchet follows it: one scenario per
 * known difference (README, "Compatibility with DTM"), end to end on three node processes and a real business
 * service, each request to the next node in turn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DtmCompatibilityIT {

    private static final Duration FINAL_WITHIN = Duration.ofSeconds(30);
    private final AtomicInteger next = new AtomicInteger();
    private ProcessCluster cluster;
    private BusinessService service;

    @BeforeAll
    void startCluster() throws Exception {
        Path dir = Files.createTempDirectory("dtm-compat-it");
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

    @Test
    void shouldAnswerHealthLikePing() {
        DtmClient.Reply reply = node().get("/api/health");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("msg").asText()).isEqualTo("pong");
    }

    private String[] step(String gid, int i) {
        return new String[]{service.url("/" + gid + "/a" + i), service.url("/" + gid + "/c" + i)};
    }

    /** The business calls of one transaction as "a0", "c1", ... in arrival order. */
    private List<String> seen(String gid) {
        return service.calls(gid).stream().map(c -> c.path().substring(c.path().lastIndexOf('/') + 1)).toList();
    }

    private static Map<String, Object> global(String gid, String type) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("gid", gid);
        body.put("trans_type", type);
        body.put("retry_interval", 1);
        return body;
    }

    @Test
    void shouldCallAFailingActionRetryLimitMoreTimesAndCompleteTheSagaThatDtmCompletes() {
        String gid = gid("retry-limit");
        // no definite answer twice, then success: with retry_limit 2, DTM makes the third call and the saga succeeds
        service.answer("/" + gid + "/a0", Answer.status(503), Answer.status(503), Answer.success());
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0)), List.of(""));
        body.put("retry_limit", 2);

        assertThat(node().post("/api/dtmsvr/submit", body).status()).isEqualTo(200);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("a0", "a0", "a0");
        // options as DTM shows them: a string of JSON, seconds, with the values in effect
        assertThat(done.path("transaction").path("options").asText())
                .isEqualTo("{\"request_timeout\":3,\"retry_interval\":1,\"concurrent\":false,\"retry_limit\":2}");
    }

    @Test
    void shouldWriteDtmsRollbackReasons() {
        String failing = gid("reason-failure");
        service.answer("/" + failing + "/a0", Answer.failure());
        node().post("/api/dtmsvr/submit", DtmClient.saga(failing, List.<String[]>of(step(failing, 0)), List.of("")));
        String exhausted = gid("reason-retry-limit");
        service.answer("/" + exhausted + "/a0", Answer.status(503));
        var limited = DtmClient.saga(exhausted, List.<String[]>of(step(exhausted, 0)), List.of(""));
        limited.put("retry_limit", 1);
        node().post("/api/dtmsvr/submit", limited);

        assertThat(node().awaitFinal(failing, FINAL_WITHIN).path("transaction").path("rollback_reason").asText())
                .isEqualTo("url:" + service.url("/" + failing + "/a0") + " return failed: "
                        + "{\"dtm_result\":\"FAILURE\",\"message\":\"business refused\"} FAILURE");
        assertThat(node().awaitFinal(exhausted, FINAL_WITHIN).path("transaction").path("rollback_reason").asText())
                .isEqualTo("RetryCount is greater than RetryLimit, RetryLimit: 1");
    }

    @Test
    void shouldAnswerVersionAsSemverAndResetOnlyTransactionsDueLaterThanDtmsDefault() {
        assertThat(node().get("/api/dtmsvr/version").body().path("version").asText())
                .matches("v\\d+\\.\\d+\\.\\d+-[0-9A-Za-z.-]+");
        String gid = gid("reset-default");
        service.answer("/" + gid + "/a0", Answer.status(503), Answer.success());
        var body = DtmClient.saga(gid, List.<String[]>of(step(gid, 0)), List.of(""));
        body.put("retry_interval", 60); // after the error, the next try is 120 s away: beyond 105 s
        node().post("/api/dtmsvr/submit", body);
        org.awaitility.Awaitility.await().atMost(FINAL_WITHIN).until(() -> seen(gid).size() == 1
                && node().query(gid).path("transaction").path("next_cron_interval").asLong() == 120);

        JsonNode reset = node().get("/api/dtmsvr/resetCronTime").body();

        assertThat(reset.path("succeed_count").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(node().awaitFinal(gid, FINAL_WITHIN).path("transaction").path("status").asText())
                .isEqualTo("succeed");
    }

    @Test
    void shouldAnswerAnAbortWithWaitResultAfterTheCancelsRan() {
        String gid = gid("abort-wait");
        service.answer("/" + gid + "/cancel01", Answer.status(500), Answer.success());
        node().post("/api/dtmsvr/prepare", global(gid, "tcc"));
        for (String b : List.of("01", "02")) {
            node().post("/api/dtmsvr/registerBranch", Map.of("gid", gid, "trans_type", "tcc", "branch_id", b,
                    "data", "{}", "confirm", service.url("/" + gid + "/confirm" + b),
                    "cancel", service.url("/" + gid + "/cancel" + b)));
        }
        Map<String, Object> abort = global(gid, "tcc");
        abort.put("wait_result", true);

        DtmClient.Reply reply = node().post("/api/dtmsvr/abort", abort);

        // the first cancel of 01 answers 500: the abort answers that a branch is being retried, as DTM does
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.body().path("message").asText()).contains("cancel").contains("retried");
        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");

        String second = gid("abort-wait");
        node().post("/api/dtmsvr/prepare", global(second, "tcc"));
        node().post("/api/dtmsvr/registerBranch", Map.of("gid", second, "trans_type", "tcc", "branch_id", "01",
                "data", "{}", "confirm", service.url("/" + second + "/confirm01"),
                "cancel", service.url("/" + second + "/cancel01")));
        Map<String, Object> abortSecond = global(second, "tcc");
        abortSecond.put("wait_result", true);

        DtmClient.Reply answered = node().post("/api/dtmsvr/abort", abortSecond);

        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.body().path("dtm_result").asText()).isEqualTo("SUCCESS");
        assertThat(seen(second)).as("answered after the cancel ran").containsExactly("cancel01");
        assertThat(node().query(second).path("transaction").path("status").asText()).isEqualTo("failed");
    }

    @Test
    void shouldWaitOnAnAbortWhenTheTransactionWasPreparedWithWaitResult() {
        String gid = gid("abort-prepared-wait");
        Map<String, Object> prepare = global(gid, "xa");
        prepare.put("wait_result", true);
        node().post("/api/dtmsvr/prepare", prepare);
        for (String b : List.of("01", "02")) {
            node().post("/api/dtmsvr/registerXaBranch", Map.of("gid", gid, "trans_type", "xa", "branch_id", b,
                    "data", "", "url", service.url("/" + gid + "/xa" + b)));
        }

        DtmClient.Reply reply = node().post("/api/dtmsvr/abort", global(gid, "xa"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(service.calls(gid)).extracting(c -> c.path().substring(c.path().lastIndexOf('/') + 1) + ":" + c.op())
                .as("rolled back in registration order, as DTM, before the answer")
                .containsExactly("xa01:rollback", "xa02:rollback");
    }

    @Test
    void shouldPostTheWorkflowDataToTheResumeUrlAndKeepTheResult() {
        String gid = gid("wf-compat");
        service.answer("/" + gid + "/resume", Answer.success());
        Map<String, Object> body = global(gid, "workflow");
        String data = Base64.getEncoder().encodeToString("{\"amount\":30}".getBytes(StandardCharsets.UTF_8));
        body.put("custom_data", "{\"name\":\"transfer\",\"data\":\"" + data + "\"}");
        body.put("query_prepared", service.url("/" + gid + "/resume"));
        body.put("timeout_to_fail", 1);
        assertThat(node().post("/api/dtmsvr/prepareWorkflow", body).status()).isEqualTo(200);

        org.awaitility.Awaitility.await().atMost(FINAL_WITHIN).until(() -> !service.calls(gid).isEmpty());
        BusinessService.Call resume = service.calls(gid).get(0);
        assertThat(resume.method()).isEqualTo("POST");
        assertThat(resume.body()).isEqualTo("{\"amount\":30}");
        assertThat(resume.op()).isEqualTo("transfer");

        Map<String, Object> submit = global(gid, "workflow");
        submit.put("req_extra", Map.of("status", "succeed", "result", "{\"order\":42}"));
        assertThat(node().post("/api/dtmsvr/submit", submit).status()).isEqualTo(200);
        for (String id : cluster.ids()) {
            JsonNode q = new DtmClient(cluster.url(id)).awaitFinal(gid, FINAL_WITHIN);
            assertThat(q.path("transaction").path("result").asText()).as(id).isEqualTo("{\"order\":42}");
        }

        Map<String, Object> badData = global(gid("wf-bad"), "workflow");
        badData.put("custom_data", "{\"name\":\"transfer\",\"data\":\"not base64!\"}");
        DtmClient.Reply refused = node().post("/api/dtmsvr/prepareWorkflow", badData);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("field").asText()).isEqualTo("custom_data.data");
    }

    @Test
    void shouldUseTheLegacyStepDataAsPayloadsWhenPayloadsAreAbsent() {
        String gid = gid("legacy-data");
        Map<String, Object> body = global(gid, "saga");
        body.put("steps", List.of(
                Map.of("action", service.url("/" + gid + "/a0"), "compensate", service.url("/" + gid + "/c0"),
                        "data", "{\"amount\":30}"),
                Map.of("action", service.url("/" + gid + "/a1"), "compensate", service.url("/" + gid + "/c1"))));

        assertThat(node().post("/api/dtmsvr/submit", body).status()).isEqualTo(200);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        List<BusinessService.Call> calls = service.calls(gid);
        assertThat(calls).extracting(BusinessService.Call::method).containsExactly("POST", "GET");
        assertThat(calls.get(0).body()).isEqualTo("{\"amount\":30}");
    }

    @Test
    void shouldSucceedASagaWithoutSteps() {
        String gid = gid("empty-saga");
        Map<String, Object> body = global(gid, "saga");
        body.put("steps", List.of());
        body.put("wait_result", true);

        DtmClient.Reply reply = node().post("/api/dtmsvr/submit", body);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(node().query(gid).path("transaction").path("status").asText()).isEqualTo("succeed");
        Map<String, Object> noStepsAtAll = global(gid("no-steps-field"), "saga");
        assertThat(node().post("/api/dtmsvr/submit", noStepsAtAll).status()).isEqualTo(200);
    }

    @Test
    void shouldAnswer400NamingTheBodyForJsonThatIsNotAnObject() {
        for (String path : List.of("submit", "prepare", "abort", "prepareWorkflow", "registerBranch", "forceStop")) {
            for (String body : List.of("null", "42", "\"saga\"", "[1,2]", "true")) {
                DtmClient.Reply reply = node().post("/api/dtmsvr/" + path, body);
                assertThat(reply.status()).as(path + " " + body).isEqualTo(400);
                assertThat(reply.body().path("field").asText()).as(path + " " + body).isEqualTo("body");
                assertThat(reply.body().path("message").asText()).as(path + " " + body).contains("JSON object");
            }
        }
    }

    /**
     * DTM takes any gid (its server strips \n, \r and ;): so does Ratchet, URL-encoded wherever it travels, but it
     * refuses control characters and ; rather than strip them, and keeps the limit of 128 characters.
     */
    @Test
    void shouldCarryAnyGidToTheBranchesAndFindItEverywhere() {
        String gid = "order/42@shop a+b?c=d&e#f%20\u00fc\uD83D\uDE00 " + System.nanoTime();
        String action = service.url("/wide-gid/action");

        DtmClient.Reply submitted = node().post("/api/dtmsvr/submit",
                DtmClient.saga(gid, List.<String[]>of(new String[]{action, service.url("/wide-gid/compensate")}),
                        List.of("{}")));

        assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(200);
        assertThat(node().awaitFinal(gid, FINAL_WITHIN).path("transaction").path("status").asText())
                .isEqualTo("succeed");
        // the service decoded the exact gid from the call's query string (a retried call would carry it again)
        assertThat(service.calls(gid)).isNotEmpty().extracting(BusinessService.Call::path)
                .containsOnly("/wide-gid/action");
        for (String id : cluster.ids()) {
            JsonNode query = new DtmClient(cluster.url(id)).awaitQuery(gid, FINAL_WITHIN);
            assertThat(query.path("transaction").path("gid").asText()).as(id).isEqualTo(gid);
            assertThat(query.path("branches").get(0).path("gid").asText()).as(id).isEqualTo(gid);
        }
        JsonNode listed = node().get("/api/dtmsvr/all?gid=" + DtmClient.encode(gid)).body();
        assertThat(listed.path("transactions")).extracting(t -> t.path("gid").asText()).containsExactly(gid);
        DtmClient.Reply byPath = node().get("/api/ratchet/transactions/"
                + DtmClient.encode(gid).replace("+", "%20"));
        DtmClient.Reply byQuery = node().get("/api/ratchet/transactions?gid=" + DtmClient.encode(gid));
        for (DtmClient.Reply detail : List.of(byPath, byQuery)) {
            assertThat(detail.status()).isEqualTo(200);
            assertThat(detail.body().path("transaction").path("gid").asText()).isEqualTo(gid);
        }

        for (String bad : List.of("line\nfeed", "semi;colon", "x".repeat(129))) {
            DtmClient.Reply refused = node().post("/api/dtmsvr/submit", DtmClient.saga(bad,
                    List.<String[]>of(new String[]{action, ""}), List.of("")));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.body().path("dtm_result").asText()).isEqualTo("FAILURE");
            assertThat(refused.body().path("field").asText()).isEqualTo("gid");
        }
        assertThat(node().get("/api/dtmsvr/query?gid=" + DtmClient.encode("semi;colon")).body().path("message")
                .asText()).isEqualTo("Expected a gid without ';', but got ';' at index 4 (DTM would strip it; Ratchet"
                + " refuses it, so the gid stays the one the application queries)");
        assertThat(node().get("/api/ratchet/transactions?gid=line%0Afeed").body().path("message").asText())
                .isEqualTo("Expected a gid without control characters, but got U+000A at index 4");
        assertThat(node().post("/api/dtmsvr/submit", DtmClient.saga("x".repeat(129),
                List.<String[]>of(new String[]{action, ""}), List.of(""))).body().path("message").asText())
                .isEqualTo("Expected a gid of 1 to 128 characters (Unicode code points), but got 129");
    }
}
