package io.ratchet.node.testing;

import static io.ratchet.node.testing.BusinessService.Answer.body;
import static io.ratchet.node.testing.BusinessService.Answer.delay;
import static io.ratchet.node.testing.BusinessService.Answer.failure;
import static io.ratchet.node.testing.BusinessService.Answer.ongoing;
import static io.ratchet.node.testing.BusinessService.Answer.reset;
import static io.ratchet.node.testing.BusinessService.Answer.status;
import static io.ratchet.node.testing.BusinessService.Answer.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ratchet.node.testing.BusinessService.Call;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The business-service fixture answers as programmed, records every call, and never blocks on a delayed answer. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BusinessServiceTest {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    private BusinessService service;

    @BeforeEach
    void startService() {
        service = BusinessService.start();
    }

    @AfterEach
    void closeService() {
        service.close();
    }

    @Test
    void shouldUseProgrammedAnswersInOrderAndRepeatTheLast() throws Exception {
        // given
        service.answer("/TransOut", failure(), ongoing(), success());

        // when
        List<HttpResponse<String>> responses = List.of(get("/TransOut?gid=g1"), get("/TransOut?gid=g1"),
                get("/TransOut?gid=g1"), get("/TransOut?gid=g1"));

        // then
        assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(409, 425, 200, 200);
        assertThat(responses.get(0).body()).contains("\"dtm_result\":\"FAILURE\"");
        assertThat(responses.get(1).body()).isEqualTo("{\"dtm_result\":\"ONGOING\"}");
        assertThat(responses.get(3).body()).isEqualTo("{\"dtm_result\":\"SUCCESS\"}");
        assertThat(service.calls()).extracting(Call::answeredStatus).containsExactly(409, 425, 200, 200);
    }

    @Test
    void shouldAnswerSuccessOnUnprogrammedPaths() throws Exception {
        // when
        HttpResponse<String> response = get("/TransIn");

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"dtm_result\":\"SUCCESS\"}");
    }

    @Test
    void shouldPreferGidAnswersOverPathAnswers() throws Exception {
        // given
        service.answer("/TransIn", status(500))
                .answerFor("g2", "/TransIn", failure())
                .answerFor("g3", "/TransOut", failure());

        // when
        HttpResponse<String> g1 = get("/TransIn?gid=g1&trans_type=saga&branch_id=02&op=action");
        HttpResponse<String> g2 = get("/TransIn?gid=g2&trans_type=saga&branch_id=02&op=action");
        HttpResponse<String> g3 = get("/TransIn?gid=g3&trans_type=saga&branch_id=02&op=action");

        // then
        assertThat(g1.statusCode()).isEqualTo(500);
        assertThat(g1.body()).doesNotContain("FAILURE").doesNotContain("ONGOING");
        assertThat(g2.statusCode()).isEqualTo(409);
        assertThat(g3.statusCode()).as("g3 is programmed for another path").isEqualTo(500);
    }

    @Test
    void shouldRecordCallsWithQueryParametersMethodBodyAndHeaders() throws Exception {
        // given
        String payload = "{\"amount\":30}";

        // when
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                        URI.create(service.url("/TransOut") + "?gid=g1&trans_type=saga&branch_id=01&op=action"))
                .header("Content-Type", "application/json")
                .header("X-Trace-Id", "t-42")
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .build(), HttpResponse.BodyHandlers.ofString());
        get("/TransOutRevert?gid=g2&trans_type=saga&branch_id=01&op=compensate");
        get("/TransOut?gid=g1&trans_type=saga&branch_id=01&op=compensate");

        // then
        assertThat(post.statusCode()).isEqualTo(200);
        List<Call> calls = service.calls();
        assertThat(calls).extracting(Call::path).containsExactly("/TransOut", "/TransOutRevert", "/TransOut");
        Call first = calls.get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.gid()).isEqualTo("g1");
        assertThat(first.transType()).isEqualTo("saga");
        assertThat(first.branchId()).isEqualTo("01");
        assertThat(first.op()).isEqualTo("action");
        assertThat(first.body()).isEqualTo(payload);
        assertThat(first.headers()).containsEntry("content-type", "application/json")
                .containsEntry("x-trace-id", "t-42");
        assertThat(first.answeredStatus()).isEqualTo(200);
        assertThat(calls.get(1).method()).isEqualTo("GET");
        assertThat(calls.get(1).body()).isEmpty();
        assertThat(calls).extracting(Call::atNanos).isSorted();
        assertThat(service.calls("g1")).extracting(Call::op).containsExactly("action", "compensate");
    }

    @Test
    void shouldAnswerOtherCallsWhileOneIsDelayed() throws Exception {
        // given
        Duration slowness = Duration.ofMillis(1500);
        service.answer("/Slow", delay(slowness, success()));
        get("/WarmUp"); // class loading on a busy machine must not eat into the delay

        // when
        long startNanos = System.nanoTime();
        CompletableFuture<HttpResponse<String>> slow = getAsync("/Slow?gid=g1");
        await().atMost(Duration.ofSeconds(5)).until(() -> !service.calls("g1").isEmpty());
        HttpResponse<String> fast = get("/Fast?gid=g2");

        // then
        assertThat(fast.statusCode()).isEqualTo(200);
        assertThat(slow).as("the delayed call is still pending when the fast one is answered").isNotDone();
        assertThat(service.calls("g1")).singleElement().extracting(Call::answeredStatus).isEqualTo(200);
        assertThat(slow.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(slowness);
    }

    @Test
    void shouldCloseTheConnectionWithoutAnsweringOnReset() {
        // given
        service.answer("/TransOut", reset());

        // when / then
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(service.url("/TransOut") + "?gid=g1"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(service.calls("g1")).first().extracting(Call::answeredStatus).isEqualTo(-1);
    }

    @Test
    void shouldSendArbitraryBodiesIncludingAnEmptyOne() throws Exception {
        // given
        service.answer("/TransOut", body(200, ""), body(200, "{\"dtm_result\":\"FAILURE\"}"), body(200, "not json"));

        // when
        HttpResponse<String> empty = get("/TransOut");
        HttpResponse<String> failureIn200 = get("/TransOut");
        HttpResponse<String> notJson = get("/TransOut");

        // then
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        assertThat(failureIn200.statusCode()).isEqualTo(200);
        assertThat(failureIn200.body()).contains("FAILURE");
        assertThat(notJson.body()).isEqualTo("not json");
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery) {
        return http.sendAsync(request(pathAndQuery), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(service.url("") + pathAndQuery.substring(1)))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
    }
}
