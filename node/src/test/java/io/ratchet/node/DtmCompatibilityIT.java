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
import java.util.List;
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
