package io.ratchet.node;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.api.wire.WireJson;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster run the way README's "running in production" says: branch URLs limited to the business service's host
 * and port, bearer tokens on both APIs, and a small limit of unfinished transactions, flooded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SecurityIT {

    private static final String API_TOKEN = "api-" + System.nanoTime();
    private static final String ADMIN_TOKEN = "admin-" + System.nanoTime();
    private static final int LIMIT = 20;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private ProcessCluster cluster;
    private BusinessService service;

    private record Answered(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() throws IOException {
            return WireJson.mapper().readTree(body);
        }
    }

    @BeforeAll
    void startCluster() throws Exception {
        service = BusinessService.start();
        Path dir = Files.createTempDirectory("security-it");
        cluster = ProcessCluster.start(dir, String.join("\n",
                "ratchet.security.branch-urls.hosts = [\"127.0.0.1\"]",
                "ratchet.security.branch-urls.ports = [\"" + service.port() + "\"]",
                "ratchet.security.api-tokens = [\"" + API_TOKEN + "\"]",
                "ratchet.security.admin-tokens = [\"" + ADMIN_TOKEN + "\"]",
                "ratchet.limits.max-unfinished-transactions = " + LIMIT));
        await().atMost(Duration.ofSeconds(90)).until(this::leader, l -> l != null);
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

    /** The leader, asked with the admin token (ProcessCluster's own status calls carry none). */
    private String leader() {
        for (String id : cluster.ids()) {
            try {
                Answered a = send("GET", cluster.url(id) + "/api/ratchet/status", null, ADMIN_TOKEN);
                if (a.status() == 200 && a.json().path("role").asText().equals("leader")) {
                    return id;
                }
            } catch (IOException | RuntimeException e) {
                // not up yet
            }
        }
        return null;
    }

    private static Answered send(String method, String url, Object body, String token) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(WireJson.mapper().writeValueAsString(body)));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answered(r.statusCode(), r.body(), r.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private Map<String, Object> saga(String gid, String action) {
        return DtmClient.saga(gid, List.<String[]>of(new String[]{action, ""}), List.of(""));
    }

    private String status(String node, String gid) throws IOException {
        return send("GET", cluster.url(node) + "/api/dtmsvr/query?gid=" + gid, null, API_TOKEN).json()
                .path("transaction").path("status").asText("none");
    }

    @Test
    void shouldRefuseRequestsWithoutAValidTokenAlikeForKnownAndUnknownGids() throws Exception {
        String node = cluster.ids().get(0);
        String base = cluster.url(node);
        String gid = "auth-" + System.nanoTime();
        assertThat(send("POST", base + "/api/dtmsvr/submit", saga(gid, service.url("/" + gid + "/a0")), API_TOKEN)
                .status()).isEqualTo(200);

        Answered known = send("GET", base + "/api/dtmsvr/query?gid=" + gid, null, null);
        Answered unknown = send("GET", base + "/api/dtmsvr/query?gid=nothing-" + gid, null, null);
        assertThat(known.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(known.body()).isEqualTo(unknown.body());
        assertThat(known.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        assertThat(send("GET", base + "/api/dtmsvr/query?gid=" + gid, null, API_TOKEN + "x").status()).isEqualTo(401);
        assertThat(send("POST", base + "/api/dtmsvr/submit", saga("x" + gid, service.url("/x")), null).status())
                .isEqualTo(401);
        assertThat(status(node, "x" + gid)).isEqualTo("none");

        assertThat(send("GET", base + "/api/dtmsvr/query?gid=" + gid, null, ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(send("GET", base + "/api/ratchet/status", null, API_TOKEN).status()).isEqualTo(401);
        assertThat(send("GET", base + "/api/ratchet/transactions/" + gid, null, API_TOKEN).status()).isEqualTo(401);
        assertThat(send("GET", base + "/api/ratchet/transactions/" + gid, null, ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(send("GET", base + "/api/metrics", null, null).status()).isEqualTo(401);
        assertThat(send("GET", base + "/api/metrics", null, ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(send("GET", base + "/api/ping", null, null).status()).isEqualTo(200);
        Answered page = send("GET", base + "/admin/", null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("admin token"); // the page asks for one when the API answers 401
    }

    @Test
    void shouldRefuseBranchUrlsOutsideThePolicyAndNeverCallThem() throws Exception {
        String node = cluster.ids().get(1);
        String base = cluster.url(node);
        String gid = "ssrf-" + System.nanoTime();
        List<String> refused = List.of(
                "http://localhost:" + service.port() + "/" + gid,         // a name, not the allowed literal
                "http://127.0.0.1:" + (service.port() == 65535 ? 1 : service.port() + 1) + "/" + gid,
                "http://169.254.169.254/latest/meta-data",
                "file:///etc/passwd");

        for (String url : refused) {
            Answered a = send("POST", base + "/api/dtmsvr/submit", DtmClient.saga(gid,
                    List.<String[]>of(new String[]{service.url("/" + gid + "/a0"), ""}, new String[]{url, ""}),
                    List.of("", "")), API_TOKEN);
            assertThat(a.status()).as(url).isEqualTo(400);
            assertThat(a.json().path("field").asText()).as(url).isEqualTo("steps[1].action");
        }
        assertThat(send("POST", base + "/api/dtmsvr/prepare", Map.of("gid", gid, "trans_type", "tcc"), API_TOKEN)
                .status()).isEqualTo(200);
        Answered register = send("POST", base + "/api/dtmsvr/registerBranch", Map.of("gid", gid, "trans_type", "tcc",
                "branch_id", "01", "confirm", service.url("/" + gid + "/confirm"),
                "cancel", "http://10.0.0.1/cancel"), API_TOKEN);
        assertThat(register.status()).isEqualTo(400);
        assertThat(register.json().path("field").asText()).isEqualTo("cancel");

        JsonNode query = send("GET", base + "/api/dtmsvr/query?gid=" + gid, null, API_TOKEN).json();
        assertThat(query.path("transaction").path("trans_type").asText()).isEqualTo("tcc");
        assertThat(query.path("branches")).isEmpty();
        assertThat(service.calls(gid)).isEmpty();
        send("POST", base + "/api/dtmsvr/abort", Map.of("gid", gid, "trans_type", "tcc"), API_TOKEN);
    }

    @Test
    void shouldNotFollowARedirectFromABranch() throws Exception {
        String node = cluster.ids().get(2);
        String gid = "redirect-" + System.nanoTime();
        service.answer("/" + gid + "/a0", Answer.redirect(service.url("/" + gid + "/target")));

        assertThat(send("POST", cluster.url(node) + "/api/dtmsvr/submit", saga(gid, service.url("/" + gid + "/a0")),
                API_TOKEN).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> service.calls(gid).size() >= 2);
        assertThat(service.calls(gid)).extracting(BusinessService.Call::path).containsOnly("/" + gid + "/a0");
        assertThat(status(node, gid)).isEqualTo("submitted");
        assertThat(send("POST", cluster.url(node) + "/api/dtmsvr/forceStop", Map.of("gid", gid), API_TOKEN).status())
                .isEqualTo(200);
    }

    @Test
    void shouldRefuseNewTransactionsPastTheLimitAndFinishEveryAcknowledgedOne() throws Exception {
        String leader = leader();
        String base = cluster.url(leader);
        String run = "flood-" + System.nanoTime() + "-";
        int flood = 150;
        for (int i = 0; i < flood; i++) {
            service.answer("/" + run + i + "/a0", Answer.delay(Duration.ofMillis(1500), Answer.success()));
        }
        AtomicInteger peakUnfinished = new AtomicInteger();
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                try {
                    int unfinished = send("GET", base + "/api/ratchet/metrics", null, ADMIN_TOKEN).json()
                            .path("ratchet.transactions.unfinished").asInt();
                    peakUnfinished.accumulateAndGet(unfinished, Math::max);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            String gid = run + i;
            answers.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/dtmsvr/submit"))
                    .header("Authorization", "Bearer " + API_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(WireJson.mapper().writeValueAsString(
                            saga(gid, service.url("/" + gid + "/a0"))))).build(), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        watcher.get(30, TimeUnit.SECONDS);

        List<String> acknowledged = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            HttpResponse<String> r = answers.get(i).get();
            if (r.statusCode() == 200) {
                acknowledged.add(run + i);
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).contains("1");
                refused.add(run + i);
            }
        }
        long heapUsed = send("GET", base + "/api/ratchet/metrics", null, ADMIN_TOKEN).json()
                .path("jvm.memory.heap.used").asLong();
        System.out.printf("flood of %d submits, limit %d: %d acknowledged, %d refused with 503, peak unfinished %d,"
                + " leader heap used after %d MiB%n", flood, LIMIT, acknowledged.size(), refused.size(),
                peakUnfinished.get(), heapUsed >> 20);
        assertThat(acknowledged).hasSizeBetween(1, LIMIT);
        assertThat(refused).hasSize(flood - acknowledged.size());
        assertThat(peakUnfinished.get()).isLessThanOrEqualTo(LIMIT);
        for (String gid : acknowledged) {
            await().atMost(Duration.ofSeconds(30)).until(() -> status(leader, gid).equals("succeed"));
        }
        for (String gid : refused) {
            assertThat(status(leader, gid)).as(gid).isEqualTo("none");
        }
        String after = run + "after";
        assertThat(send("POST", base + "/api/dtmsvr/submit", saga(after, service.url("/" + after + "/a0")), API_TOKEN)
                .status()).isEqualTo(200);
    }
}
