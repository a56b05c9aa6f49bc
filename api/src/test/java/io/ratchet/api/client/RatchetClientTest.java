package io.ratchet.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.api.wire.QueryResult;
import io.ratchet.api.wire.WireJson;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against stand-in coordinators: failover, error mapping, and the bodies the builders send. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RatchetClientTest {

    private FakeCoordinator first;
    private FakeCoordinator second;

    @BeforeEach
    void start() throws Exception {
        first = new FakeCoordinator();
        second = new FakeCoordinator();
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    private static String deadNode() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static JsonNode json(String body) throws Exception {
        return WireJson.mapper().readTree(body);
    }

    @Test
    void shouldTryTheNextNodeWhenTheFirstRefusesConnections() throws Exception {
        RatchetClient client = RatchetClient.of(deadNode(), second.url());

        String gid = client.newGid().get(10, TimeUnit.SECONDS);

        assertThat(gid).isEqualTo("g-from-server");
        assertThat(second.paths()).containsExactly("/api/dtmsvr/newGid");
    }

    @Test
    void shouldTryTheNextNodeWhenTheFirstHasNoLeader() throws Exception {
        first.answer("/api/dtmsvr/query", 503, "{\"message\":\"no leader\"}");
        second.answer("/api/dtmsvr/query", 200, "{\"transaction\":{\"gid\":\"g1\",\"status\":\"succeed\"},\"branches\":[]}");
        RatchetClient client = RatchetClient.of(first.url(), second.url());

        QueryResult result = client.query("g1").get(10, TimeUnit.SECONDS);

        assertThat(result.transaction().status()).isEqualTo("succeed");
        assertThat(first.paths()).containsExactly("/api/dtmsvr/query");
        assertThat(second.requests.get(0).query()).isEqualTo("gid=g1");
    }

    @Test
    void shouldTryTheNextNodeWhenTheFirstDoesNotAnswerInTime() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            // accepts TCP connections (the kernel does) but never answers, like a paused process
            RatchetClient client = RatchetClient.builder().node("http://127.0.0.1:" + silent.getLocalPort())
                    .node(second.url()).requestTimeout(Duration.ofMillis(500)).build();

            assertThat(client.newGid().get(10, TimeUnit.SECONDS)).isEqualTo("g-from-server");
        }
    }

    @Test
    void shouldReportUnavailableWhenNoNodeAnswers() throws Exception {
        RatchetClient client = RatchetClient.builder().node(deadNode()).node(deadNode())
                .rounds(2, Duration.ofMillis(10)).build();

        assertThatThrownBy(() -> client.newGid().join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(RatchetException.Unavailable.class).hasMessageContaining("after 4 attempts");
    }

    @Test
    void shouldMapRefusalsToTypedExceptionsWithTheServersMessage() {
        first.answer("/api/dtmsvr/submit", 409, "{\"dtm_result\":\"FAILURE\",\"message\":\"Expected prepared, but succeed\"}");
        first.answer("/api/dtmsvr/prepare", 400, "{\"dtm_result\":\"FAILURE\",\"message\":\"gid is required\",\"field\":\"gid\"}");
        RatchetClient client = RatchetClient.of(first.url(), second.url());

        Throwable conflict = catchThrowable(client.saga("g1").add("http://a", "http://b", null).submit());
        Throwable invalid = catchThrowable(client.tcc(null).prepare());

        assertThat(conflict).isInstanceOf(RatchetException.Failure.class).hasMessage("Expected prepared, but succeed");
        assertThat(((RatchetException) conflict).status()).isEqualTo(409);
        assertThat(invalid).isInstanceOf(RatchetException.Invalid.class).hasMessage("gid is required");
        assertThat(((RatchetException.Invalid) invalid).field()).isEqualTo("gid");
        assertThat(second.requests).isEmpty();
    }

    @Test
    void shouldSendASagaAsDtmNamesItsFields() throws Exception {
        RatchetClient client = RatchetClient.of(first.url());

        String gid = client.saga(null)
                .add("http://svc/out", "http://svc/outCompensate", Map.of("amount", 30))
                .add("http://svc/in", "http://svc/inCompensate", "raw")
                .concurrent().order(1, 0)
                .waitResult(true).timeoutToFail(Duration.ofSeconds(60)).retryInterval(Duration.ofMillis(1500))
                .requestTimeout(Duration.ofSeconds(5)).retryLimit(2).branchHeader("X-Tenant", "t1")
                .submit().get(10, TimeUnit.SECONDS);

        assertThat(gid).isEqualTo("g-from-server");
        assertThat(first.paths()).containsExactly("/api/dtmsvr/newGid", "/api/dtmsvr/submit");
        JsonNode body = json(first.requests.get(1).body());
        assertThat(body.path("gid").asText()).isEqualTo("g-from-server");
        assertThat(body.path("trans_type").asText()).isEqualTo("saga");
        assertThat(body.path("steps").get(1).path("compensate").asText()).isEqualTo("http://svc/inCompensate");
        assertThat(body.path("payloads").get(0).asText()).isEqualTo("{\"amount\":30}");
        assertThat(body.path("payloads").get(1).asText()).isEqualTo("raw");
        assertThat(json(body.path("custom_data").asText())).isEqualTo(json("{\"concurrent\":true,\"orders\":{\"1\":[0]}}"));
        assertThat(body.path("wait_result").asBoolean()).isTrue();
        assertThat(body.path("timeout_to_fail").asLong()).isEqualTo(60);
        assertThat(body.path("retry_interval").asLong()).isEqualTo(2);
        assertThat(body.path("request_timeout").asLong()).isEqualTo(5);
        assertThat(body.path("retry_limit").asLong()).isEqualTo(2);
        assertThat(body.path("branch_headers").path("X-Tenant").asText()).isEqualTo("t1");
    }

    @Test
    void shouldRegisterEachTccBranchCallItsTryAndSubmit() throws Exception {
        FakeCoordinator service = second;
        RatchetClient client = RatchetClient.of(first.url());

        String gid = client.tccGlobal("tcc-1", tcc -> tcc.callBranch(Map.of("amount", 30), service.url() + "/try1",
                        service.url() + "/confirm1", service.url() + "/cancel1")
                .thenCompose(r -> tcc.callBranch("{}", service.url() + "/try2?x=1", service.url() + "/confirm2",
                        service.url() + "/cancel2")))
                .get(10, TimeUnit.SECONDS);

        assertThat(gid).isEqualTo("tcc-1");
        assertThat(first.paths()).containsExactly("/api/dtmsvr/prepare", "/api/dtmsvr/registerBranch",
                "/api/dtmsvr/registerBranch", "/api/dtmsvr/submit");
        JsonNode register = json(first.requests.get(2).body());
        assertThat(register.path("branch_id").asText()).isEqualTo("02");
        assertThat(register.path("confirm").asText()).endsWith("/confirm2");
        assertThat(service.requests).extracting(FakeCoordinator.Request::path).containsExactly("/try1", "/try2");
        assertThat(service.requests.get(0).query()).isEqualTo("gid=tcc-1&trans_type=tcc&branch_id=01&op=try");
        assertThat(service.requests.get(0).body()).isEqualTo("{\"amount\":30}");
        assertThat(service.requests.get(1).query()).isEqualTo("x=1&gid=tcc-1&trans_type=tcc&branch_id=02&op=try");
    }

    @Test
    void shouldAbortATccWhoseTryFailsAndRethrow() {
        second.answer("/try2", 409, "{\"dtm_result\":\"FAILURE\",\"message\":\"insufficient balance\"}");
        RatchetClient client = RatchetClient.of(first.url());

        Throwable error = catchThrowable(client.tccGlobal("tcc-2", tcc -> tcc.callBranch("{}", second.url() + "/try1",
                        second.url() + "/c1", second.url() + "/x1")
                .thenCompose(r -> tcc.callBranch("{}", second.url() + "/try2", second.url() + "/c2", second.url() + "/x2"))));

        assertThat(error).isInstanceOf(RatchetException.BranchFailed.class).hasMessageContaining("insufficient balance");
        assertThat(first.paths()).containsExactly("/api/dtmsvr/prepare", "/api/dtmsvr/registerBranch",
                "/api/dtmsvr/registerBranch", "/api/dtmsvr/abort");
    }

    @Test
    void shouldRegisterXaBranchesAndSubmit() throws Exception {
        RatchetClient client = RatchetClient.of(first.url());

        String gid = client.xa("xa-1").run(xa -> xa.registerBranch("http://svc/xa1", "{}")
                .thenCompose(id -> xa.registerBranch("http://svc/xa2", "{}"))).get(10, TimeUnit.SECONDS);

        assertThat(gid).isEqualTo("xa-1");
        assertThat(json(first.requests.get(2).body()).path("url").asText()).isEqualTo("http://svc/xa2");
        assertThat(json(first.requests.get(2).body()).path("trans_type").asText()).isEqualTo("xa");
        assertThat(first.paths()).endsWith("/api/dtmsvr/submit");
    }

    @Test
    void shouldSendForceStopAndAllFilters() throws Exception {
        first.answer("/api/dtmsvr/all", 200, "{\"transactions\":[],\"next_position\":\"\"}");
        RatchetClient client = RatchetClient.of(first.url());

        client.forceStop("g9").get(10, TimeUnit.SECONDS);
        assertThat(client.all(Map.of("status", "failed")).get(10, TimeUnit.SECONDS).transactions()).isEmpty();

        assertThat(json(first.requests.get(0).body()).path("gid").asText()).isEqualTo("g9");
        assertThat(first.requests.get(1).query()).isEqualTo("status=failed");
    }

    private static Throwable catchThrowable(CompletableFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
            return null;
        } catch (Exception e) {
            return RatchetException.unwrap(e) != null ? RatchetException.unwrap(e) : e;
        }
    }

}
