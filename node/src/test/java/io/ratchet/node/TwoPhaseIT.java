package io.ratchet.node;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Files;
import java.time.Duration;
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
 * TCC and XA end to end on three node processes with a real business service: the test plays the application
 * (prepare, try, registerBranch, submit or abort), each request to the next node in turn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoPhaseIT {

    private static final Duration FINAL_WITHIN = Duration.ofSeconds(30);
    private final AtomicInteger next = new AtomicInteger();
    private ProcessCluster cluster;
    private BusinessService service;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = ProcessCluster.start(Files.createTempDirectory("two-phase-it"));
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

    private DtmClient node() {
        List<String> ids = cluster.ids();
        return new DtmClient(cluster.url(ids.get(next.getAndIncrement() % ids.size())));
    }

    private static Map<String, Object> global(String gid, String type) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("gid", gid);
        body.put("trans_type", type);
        body.put("retry_interval", 1);
        return body;
    }

    private DtmClient.Reply registerTcc(String gid, String branchId) {
        return node().post("/api/dtmsvr/registerBranch", Map.of("gid", gid, "trans_type", "tcc", "branch_id", branchId,
                "data", "{\"amount\":30}", "confirm", service.url("/" + gid + "/confirm" + branchId),
                "cancel", service.url("/" + gid + "/cancel" + branchId)));
    }

    private DtmClient.Reply registerXa(String gid, String branchId) {
        return node().post("/api/dtmsvr/registerXaBranch", Map.of("gid", gid, "trans_type", "xa", "branch_id", branchId,
                "data", "", "url", service.url("/" + gid + "/xa" + branchId)));
    }

    /** The application's own try call, as a DTM SDK would make it. */
    private int tryBranch(String gid, String branchId) {
        return new DtmClient("http://127.0.0.1:" + service.port()).get("/" + gid + "/try" + branchId + "?gid=" + gid + "&branch_id="
                + branchId + "&op=try&trans_type=tcc").status();
    }

    private List<String> seen(String gid) {
        return service.calls(gid).stream().map(c -> c.path().substring(c.path().lastIndexOf('/') + 1)
                + (c.op() == null ? "" : ":" + c.op())).toList();
    }

    @Test
    void shouldConfirmTccBranchesInReverseRegistrationOrder() {
        String gid = "tcc-normal-" + System.nanoTime();
        Map<String, Object> body = global(gid, "tcc");
        body.put("branch_headers", Map.of("X-Tenant", "t1"));
        assertThat(node().post("/api/dtmsvr/prepare", body).status()).isEqualTo(200);
        for (String b : List.of("01", "02")) {
            assertThat(registerTcc(gid, b).status()).isEqualTo(200);
            assertThat(tryBranch(gid, b)).isEqualTo(200);
        }

        assertThat(node().post("/api/dtmsvr/submit", global(gid, "tcc")).status()).isEqualTo(200);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(DtmClient.rowStatuses(done)).containsExactly("prepared", "succeed", "prepared", "succeed");
        assertThat(seen(gid)).containsExactly("try01:try", "try02:try", "confirm02:confirm", "confirm01:confirm");
        BusinessService.Call confirm = service.calls(gid).get(2);
        assertThat(confirm.method()).isEqualTo("POST");
        assertThat(confirm.body()).isEqualTo("{\"amount\":30}");
        assertThat(confirm.headers()).containsEntry("x-tenant", "t1");
        assertThat(confirm.transType()).isEqualTo("tcc");
    }

    @Test
    void shouldCancelRegisteredBranchesInReverseWhenTheApplicationAborts() {
        String gid = "tcc-rollback-" + System.nanoTime();
        service.answer("/" + gid + "/try02", Answer.failure());
        node().post("/api/dtmsvr/prepare", global(gid, "tcc"));
        registerTcc(gid, "01");
        tryBranch(gid, "01");
        registerTcc(gid, "02");
        assertThat(tryBranch(gid, "02")).isEqualTo(409);

        assertThat(node().post("/api/dtmsvr/abort", global(gid, "tcc")).status()).isEqualTo(200);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(DtmClient.rowStatuses(done)).containsExactly("succeed", "prepared", "succeed", "prepared");
        assertThat(seen(gid)).endsWith("cancel02:cancel", "cancel01:cancel");
        assertThat(node().post("/api/dtmsvr/submit", global(gid, "tcc")).status()).isEqualTo(409);
    }

    @Test
    void shouldAbortAPreparedTccOnTimeoutAndRefuseLateRegistrations() {
        String gid = "tcc-timeout-" + System.nanoTime();
        Map<String, Object> body = global(gid, "tcc");
        body.put("timeout_to_fail", 2);
        node().post("/api/dtmsvr/prepare", body);
        registerTcc(gid, "01");

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);

        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(done.path("transaction").path("rollback_reason").asText()).isEqualTo("Timeout after 2 seconds");
        assertThat(seen(gid)).containsExactly("cancel01:cancel");
        DtmClient.Reply late = registerTcc(gid, "02");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body().path("dtm_result").asText()).isEqualTo("FAILURE");
    }

    @Test
    void shouldAcceptNestedBranchIdsAndRetryAConfirmUntilItSucceeds() {
        String gid = "tcc-nested-" + System.nanoTime();
        service.answer("/" + gid + "/confirm01-01", Answer.status(500), Answer.success());
        node().post("/api/dtmsvr/prepare", global(gid, "tcc"));
        registerTcc(gid, "01");
        registerTcc(gid, "01-01");
        node().post("/api/dtmsvr/submit", global(gid, "tcc"));

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);

        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("confirm01-01:confirm", "confirm01-01:confirm", "confirm01:confirm");
    }

    @Test
    void shouldCommitXaBranchesInRegistrationOrderAlwaysWithPost() {
        String gid = "xa-normal-" + System.nanoTime();
        node().post("/api/dtmsvr/prepare", global(gid, "xa"));
        registerXa(gid, "01");
        registerXa(gid, "02");
        assertThat(registerXa(gid, "01").status()).as("registering twice is tolerated").isEqualTo(200);

        node().post("/api/dtmsvr/submit", global(gid, "xa"));

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("xa01:commit", "xa02:commit");
        assertThat(service.calls(gid)).allMatch(c -> c.method().equals("POST"));
    }

    @Test
    void shouldRollBackXaBranchesInRegistrationOrderOnAbort() {
        String gid = "xa-rollback-" + System.nanoTime();
        node().post("/api/dtmsvr/prepare", global(gid, "xa"));
        registerXa(gid, "01");
        registerXa(gid, "02");

        node().post("/api/dtmsvr/abort", global(gid, "xa"));

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(seen(gid)).containsExactly("xa01:rollback", "xa02:rollback");
    }

    @Test
    void shouldTolerateARepeatedXaCommit() {
        String gid = "xa-duplicate-" + System.nanoTime();
        // the branch commits, but its answer is lost (500): the commit comes again and must be accepted
        service.answer("/" + gid + "/xa01", Answer.status(500), Answer.success());
        node().post("/api/dtmsvr/prepare", global(gid, "xa"));
        registerXa(gid, "01");

        node().post("/api/dtmsvr/submit", global(gid, "xa"));

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("xa01:commit", "xa01:commit");
    }

    @Test
    void shouldRollBackAPreparedXaOnTimeout() {
        String gid = "xa-timeout-" + System.nanoTime();
        Map<String, Object> body = global(gid, "xa");
        body.put("timeout_to_fail", 2);
        node().post("/api/dtmsvr/prepare", body);
        registerXa(gid, "01");
        registerXa(gid, "02");

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);

        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(seen(gid)).containsExactly("xa01:rollback", "xa02:rollback");
    }

    @Test
    void shouldForceStopWithoutCallingAnyBranch() {
        String gid = "force-" + System.nanoTime();
        node().post("/api/dtmsvr/prepare", global(gid, "tcc"));
        registerTcc(gid, "01");

        assertThat(node().post("/api/dtmsvr/forceStop", Map.of("gid", gid)).status()).isEqualTo(200);

        JsonNode done = node().query(gid);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(service.calls(gid)).isEmpty();
        assertThat(node().post("/api/dtmsvr/forceStop", Map.of("gid", gid)).status()).isEqualTo(409);
    }

    @Test
    void shouldRetryAtOnceOnResetNextCronTime() {
        String gid = "reset-" + System.nanoTime();
        service.answer("/" + gid + "/confirm01", Answer.status(500), Answer.success());
        Map<String, Object> body = global(gid, "tcc");
        body.put("retry_interval", 600); // without the reset, the retry would come after 10 minutes
        node().post("/api/dtmsvr/prepare", body);
        registerTcc(gid, "01");
        node().post("/api/dtmsvr/submit", global(gid, "tcc"));
        org.awaitility.Awaitility.await().atMost(FINAL_WITHIN).until(() -> service.calls(gid).size() == 1);

        assertThat(node().post("/api/dtmsvr/resetNextCronTime", Map.of("gid", gid)).status()).isEqualTo(200);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("confirm01:confirm", "confirm01:confirm");
    }

    private Map<String, Object> message(String gid, int actions) {
        Map<String, Object> body = global(gid, "msg");
        List<Map<String, String>> steps = new java.util.ArrayList<>();
        List<String> payloads = new java.util.ArrayList<>();
        for (int i = 0; i < actions; i++) {
            steps.add(Map.of("action", service.url("/" + gid + "/a" + i)));
            payloads.add("{\"n\":" + i + "}");
        }
        body.put("steps", steps);
        body.put("payloads", payloads);
        return body;
    }

    @Test
    void shouldDeliverAMessageActionsInOrder() {
        String gid = "msg-normal-" + System.nanoTime();
        service.answer("/" + gid + "/a1", Answer.failure(), Answer.success()); // a message must get through

        assertThat(node().post("/api/dtmsvr/submit", message(gid, 2)).status()).isEqualTo(200);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(DtmClient.rowStatuses(done)).containsExactly("succeed", "succeed");
        assertThat(seen(gid)).containsExactly("a0:action", "a1:action", "a1:action");
        assertThat(service.calls(gid).get(0).body()).isEqualTo("{\"n\":0}");
    }

    @Test
    void shouldCallEveryActionOfAConcurrentMessageAtOnce() {
        String gid = "msg-concurrent-" + System.nanoTime();
        service.answer("/" + gid + "/a0", Answer.delay(Duration.ofSeconds(1), Answer.success()));
        Map<String, Object> body = message(gid, 3);
        body.put("concurrent", true);

        node().post("/api/dtmsvr/submit", body);

        node().awaitFinal(gid, FINAL_WITHIN);
        List<String> seen = seen(gid);
        assertThat(seen).containsExactlyInAnyOrder("a0:action", "a1:action", "a2:action");
        assertThat(seen.get(0)).isEqualTo("a0:action"); // called first, answered last, yet the others did not wait
    }

    @Test
    void shouldPostponeTheFirstCallByTheDelay() {
        String gid = "msg-delay-" + System.nanoTime();
        Map<String, Object> body = message(gid, 1);
        body.put("custom_data", "{\"delay\":2}");
        long sent = System.nanoTime();

        node().post("/api/dtmsvr/submit", body);

        node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(service.calls(gid).get(0).atNanos() - sent).isGreaterThanOrEqualTo(Duration.ofMillis(1900).toNanos());
    }

    @Test
    void shouldDeliverAPreparedMessageOnceSubmittedAndTolerateADoublePrepare() {
        String gid = "msg-prepared-" + System.nanoTime();
        assertThat(node().post("/api/dtmsvr/prepare", message(gid, 1)).status()).isEqualTo(200);
        assertThat(node().post("/api/dtmsvr/prepare", message(gid, 1)).status()).isEqualTo(200);
        assertThat(service.calls(gid)).isEmpty();

        node().post("/api/dtmsvr/submit", global(gid, "msg"));

        assertThat(node().awaitFinal(gid, FINAL_WITHIN).path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("a0:action");
    }

    @Test
    void shouldBackCheckATimedOutPreparedMessageAndDeliverItOnSuccess() {
        String gid = "msg-backcheck-ok-" + System.nanoTime();
        service.answer("/" + gid + "/query", Answer.ongoing(), Answer.success());
        Map<String, Object> body = message(gid, 1);
        body.put("timeout_to_fail", 1);
        body.put("query_prepared", service.url("/" + gid + "/query"));

        node().post("/api/dtmsvr/prepare", body);

        assertThat(node().awaitFinal(gid, FINAL_WITHIN).path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(seen(gid)).containsExactly("query:msg", "query:msg", "a0:action");
        assertThat(service.calls(gid).get(0).branchId()).isEqualTo("00");
    }

    @Test
    void shouldFailATimedOutPreparedMessageWhoseBackCheckSaysFailure() {
        String gid = "msg-backcheck-failed-" + System.nanoTime();
        service.answer("/" + gid + "/query", Answer.failure());
        Map<String, Object> body = message(gid, 1);
        body.put("timeout_to_fail", 1);
        body.put("query_prepared", service.url("/" + gid + "/query"));

        node().post("/api/dtmsvr/prepare", body);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(seen(gid)).containsExactly("query:msg");
    }

    @Test
    void shouldFailAPreparedMessageOnAbort() {
        String gid = "msg-abort-" + System.nanoTime();
        node().post("/api/dtmsvr/prepare", message(gid, 1));

        assertThat(node().post("/api/dtmsvr/abort", global(gid, "msg")).status()).isEqualTo(200);

        assertThat(node().query(gid).path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(service.calls(gid)).isEmpty();
    }

    @Test
    void shouldFanAMessageOutToEveryTopicSubscriber() {
        String topic = "orders-" + System.nanoTime();
        String gid = "msg-topic-" + System.nanoTime();
        for (String who : List.of("billing", "shipping")) {
            assertThat(node().get("/api/dtmsvr/subscribe?topic=" + topic + "&url=" + service.url("/" + gid + "/" + who)
                    + "&remark=" + who).status()).isEqualTo(200);
        }
        Map<String, Object> body = global(gid, "msg");
        body.put("steps", List.of(Map.of("action", "topic://" + topic)));
        body.put("payloads", List.of("{\"order\":7}"));

        assertThat(node().post("/api/dtmsvr/submit", body).status()).isEqualTo(200);

        JsonNode done = node().awaitFinal(gid, FINAL_WITHIN);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(done.path("branches")).extracting(b -> b.path("branch_id").asText()).containsExactly("01-01", "01-02");
        assertThat(seen(gid)).containsExactly("billing:action", "shipping:action");
        assertThat(service.calls(gid)).allMatch(c -> c.body().equals("{\"order\":7}"));

        // unsubscribing the last subscriber, or deleting the topic, leaves nobody to send to: refused at submit
        assertThat(node().get("/api/dtmsvr/unsubscribe?topic=" + topic + "&url=" + service.url("/" + gid + "/billing"))
                .status()).isEqualTo(200);
        DtmClient client = node();
        assertThat(new DtmClient(cluster.url(cluster.ids().get(0))).get("/api/dtmsvr/unsubscribe?topic=" + topic
                + "&url=http://127.0.0.1:1/none").status()).isEqualTo(409);
        assertThat(delete(cluster.url(cluster.ids().get(1)) + "/api/dtmsvr/topic/" + topic)).isEqualTo(200);
        body.put("gid", gid + "-late");
        DtmClient.Reply late = client.post("/api/dtmsvr/submit", body);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body().path("message").asText()).contains(topic);
    }

    private DtmClient.Reply progress(String gid, String branchId, String op, String status) {
        return node().post("/api/dtmsvr/registerBranch", Map.of("gid", gid, "trans_type", "workflow",
                "branch_id", branchId, "op", op, "status", status, "data", "{}"));
    }

    private Map<String, Object> workflow(String gid) {
        Map<String, Object> body = global(gid, "workflow");
        body.put("custom_data", "{\"name\":\"transfer\",\"data\":\"e30=\"}");
        return body;
    }

    @Test
    void shouldKeepAWorkflowsProgressAndAcceptItsFinalStatus() {
        String gid = "wf-normal-" + System.nanoTime();
        DtmClient.Reply created = node().post("/api/dtmsvr/prepareWorkflow", workflow(gid));
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().path("transaction").path("status").asText()).isEqualTo("prepared");
        assertThat(created.body().path("progresses")).isEmpty();

        assertThat(progress(gid, "01", "action", "succeed").status()).isEqualTo(200);
        assertThat(progress(gid, "02", "action", "succeed").status()).isEqualTo(200);
        DtmClient.Reply again = node().post("/api/dtmsvr/prepareWorkflow", workflow(gid));
        assertThat(again.body().path("progresses")).extracting(p -> p.path("branch_id").asText() + "/"
                + p.path("status").asText()).containsExactly("01/succeed", "02/succeed");

        Map<String, Object> submit = global(gid, "workflow");
        submit.put("req_extra", Map.of("status", "succeed"));
        assertThat(node().post("/api/dtmsvr/submit", submit).status()).isEqualTo(200);

        assertThat(node().query(gid).path("transaction").path("status").asText()).isEqualTo("succeed");
        assertThat(progress(gid, "03", "action", "succeed").status()).isEqualTo(409);
    }

    @Test
    void shouldEndARolledBackWorkflowAsFailedWithItsReason() {
        String gid = "wf-rollback-" + System.nanoTime();
        node().post("/api/dtmsvr/prepareWorkflow", workflow(gid));
        progress(gid, "01", "action", "succeed");
        progress(gid, "02", "action", "failed");
        progress(gid, "01", "compensate", "succeed");

        Map<String, Object> submit = global(gid, "workflow");
        submit.put("req_extra", Map.of("status", "failed", "rollback_reason", "insufficient balance"));
        assertThat(node().post("/api/dtmsvr/submit", submit).status()).isEqualTo(200);

        JsonNode done = node().query(gid);
        assertThat(done.path("transaction").path("status").asText()).isEqualTo("failed");
        assertThat(done.path("transaction").path("rollback_reason").asText()).isEqualTo("insufficient balance");
        assertThat(done.path("branches")).extracting(b -> b.path("branch_id").asText() + "/" + b.path("op").asText()
                + "/" + b.path("status").asText()).containsExactly("01/action/succeed", "02/action/failed",
                "01/compensate/succeed");
    }

    @Test
    void shouldCallTheResumeUrlOfAWorkflowLeftOngoingUntilItIsFinished() {
        String gid = "wf-resume-" + System.nanoTime();
        service.answer("/" + gid + "/resume", Answer.ongoing(), Answer.success());
        Map<String, Object> body = workflow(gid);
        body.put("query_prepared", service.url("/" + gid + "/resume"));
        body.put("timeout_to_fail", 1);
        node().post("/api/dtmsvr/prepareWorkflow", body);
        progress(gid, "01", "action", "prepared"); // the step answered ONGOING: the application stopped there

        // then: Ratchet calls the application back, more than once while it stays unfinished
        org.awaitility.Awaitility.await().atMost(FINAL_WITHIN).until(() -> service.calls(gid).size() >= 2);
        BusinessService.Call resume = service.calls(gid).get(0);
        assertThat(resume.branchId()).isEqualTo("00");
        assertThat(resume.op()).isEqualTo("transfer");
        assertThat(resume.transType()).isEqualTo("workflow");

        // and once the resumed application finishes the workflow, the calls stop
        Map<String, Object> submit = global(gid, "workflow");
        submit.put("req_extra", Map.of("status", "succeed"));
        node().post("/api/dtmsvr/submit", submit);
        assertThat(node().query(gid).path("transaction").path("status").asText()).isEqualTo("succeed");
    }

    private static int delete(String url) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url)).DELETE().build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldRefuseModesAndFieldsThatAreWrongNamingTheField() {
        DtmClient.Reply workflow = node().post("/api/dtmsvr/prepare", global("wf-" + System.nanoTime(), "workflow"));
        assertThat(workflow.status()).isEqualTo(400);
        assertThat(workflow.body().path("field").asText()).isEqualTo("trans_type");
        Map<String, Object> noStatus = global("wf-" + System.nanoTime(), "workflow");
        noStatus.put("req_extra", Map.of("status", "maybe"));
        assertThat(node().post("/api/dtmsvr/submit", noStatus).body().path("field").asText())
                .isEqualTo("req_extra.status");
        DtmClient.Reply noBranch = node().post("/api/dtmsvr/registerBranch", Map.of("gid", "g", "trans_type", "tcc"));
        assertThat(noBranch.body().path("field").asText()).isEqualTo("branch_id");
        DtmClient.Reply unprepared = registerTcc("never-prepared-" + System.nanoTime(), "01");
        assertThat(unprepared.status()).isEqualTo(409);
    }
}
