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
}
