package io.ratchet.jmh.benchmarks;

import io.ratchet.node.Node;
import io.ratchet.node.config.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two-branch sagas through the HTTP API of an in-process three-node cluster (the repository's cluster.conf on free
 * ports) with an in-process business service answering SUCCESS: {@value #IN_FLIGHT} submits with wait_result at
 * once, spread over the nodes, per invocation; the score is per saga, from submit to its end.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class SagaEndToEndBenchmark {

    static final int IN_FLIGHT = 64;

    private final List<Node> nodes = new ArrayList<>();
    private final List<Integer> httpPorts = new ArrayList<>();
    private final AtomicLong gids = new AtomicLong();
    private Vertx vertx;
    private HttpClient client;
    private HttpServer service;

    @Setup(Level.Trial)
    public void start() throws IOException {
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("saga-bench");
        StringBuilder conf = new StringBuilder("include file(\"" + repo.resolve("cluster.conf") + "\")\n"
                + "ratchet.log.transactions = warn\n");
        for (String id : List.of("n1", "n2", "n3")) {
            int http = freePort();
            httpPorts.add(http);
            conf.append("ratchet.nodes.").append(id).append(" { raft-port = ").append(freePort())
                    .append(", http-port = ").append(http).append(", data-dir = \"").append(id).append("\" }\n");
        }
        Path file = dir.resolve("cluster.conf");
        Files.writeString(file, conf);
        for (String id : List.of("n1", "n2", "n3")) {
            nodes.add(Node.start(NodeConfig.load(file, id, Map.of())));
        }
        vertx = Vertx.vertx();
        service = vertx.createHttpServer().requestHandler(r -> r.body().onComplete(b -> r.response()
                .end("{\"dtm_result\":\"SUCCESS\"}"))).listen(0, "127.0.0.1").await();
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public void sagasWithWaitResult() {
        List<Future<Void>> all = new ArrayList<>(IN_FLIGHT);
        for (int i = 0; i < IN_FLIGHT; i++) {
            long n = gids.incrementAndGet();
            all.add(submit(httpPorts.get((int) (n % httpPorts.size())), body(n)));
        }
        Future.all(all).toCompletionStage().toCompletableFuture().join();
    }

    private Future<Void> submit(int port, String body) {
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                        .setURI("/api/dtmsvr/submit"))
                .compose(r -> r.send(Buffer.buffer(body)))
                .compose(r -> r.statusCode() == 200 ? r.body().<Void>mapEmpty()
                        : Future.failedFuture("submit answered " + r.statusCode()));
    }

    private String body(long n) {
        String url = "http://127.0.0.1:" + service.actualPort() + "/";
        return "{\"gid\":\"jmh-" + n + "-" + System.nanoTime() + "\",\"trans_type\":\"saga\",\"wait_result\":true,"
                + "\"steps\":[{\"action\":\"" + url + "a0\",\"compensate\":\"" + url + "c0\"},"
                + "{\"action\":\"" + url + "a1\",\"compensate\":\"" + url + "c1\"}],"
                + "\"payloads\":[\"{\\\"amount\\\":30}\",\"{\\\"amount\\\":30}\"]}";
    }

    @TearDown(Level.Trial)
    public void stop() {
        vertx.close().await();
        nodes.forEach(Node::close);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
