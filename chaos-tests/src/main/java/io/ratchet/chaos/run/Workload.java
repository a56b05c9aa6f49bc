package io.ratchet.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ratchet.chaos.check.History.Saga;
import io.ratchet.chaos.check.History.Transfer;
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
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Clients submitting two- and three-step transfer sagas to random nodes, about one in five set to fail at a random
 * step, seeded: at most {@code concurrency} at once and {@code perSecond} a second, a load the bank serves with room
 * to spare, so that what the checker sees is the faults' doing and not a backlog's. Every submit is recorded,
 * acknowledged (2xx) or not (503, timeout: it may or may not exist).
 */
final class Workload {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> nodes;
    private final String bankAction;
    private final String bankCompensate;
    private final int accounts;
    private final String run;
    private final Random random;
    private final Map<String, Saga> sagas = new ConcurrentHashMap<>();
    private final AtomicLong answered = new AtomicLong();
    private final Queue<Submit> submits = new ConcurrentLinkedQueue<>();

    /** One submit: when it was sent and answered (nanoTime), to which node first, what, and the answer (-1: none). */
    record Submit(long sentNanos, long answeredNanos, String node, String gid, int failAt, int status) {
        boolean acknowledged() {
            return status / 100 == 2;
        }
    }

    Workload(List<String> nodes, String bankAction, String bankCompensate, int accounts, String run, long seed) {
        this.nodes = List.copyOf(nodes);
        this.bankAction = bankAction;
        this.bankCompensate = bankCompensate;
        this.accounts = accounts;
        this.run = run;
        this.random = new Random(seed);
    }

    /** Submits while {@code keepGoing} says so, at most {@code concurrency} in flight; returns when all answered. */
    void run(BooleanSupplier keepGoing, int concurrency, int perSecond) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        long begin = System.nanoTime();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long n = 0;
        while (keepGoing.getAsBoolean()) {
            long due = begin + n * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the pace of the load
            }
            slots.acquire();
            String gid = run + "-" + n++;
            List<Transfer> steps = new ArrayList<>();
            int stepCount;
            int failAt;
            int node;
            synchronized (random) {
                stepCount = 2 + random.nextInt(2);
                failAt = random.nextInt(5) == 0 ? random.nextInt(stepCount) : -1;
                int from = 1 + random.nextInt(accounts);
                long amount = 1 + random.nextInt(50);
                steps.add(new Transfer(from, -amount));
                long left = amount;
                for (int s = 1; s < stepCount; s++) {
                    long part = s == stepCount - 1 ? left : left / 2;
                    left -= part;
                    steps.add(new Transfer(1 + random.nextInt(accounts), part));
                }
                node = random.nextInt(nodes.size());
            }
            sagas.put(gid, new Saga(gid, steps, false));
            String body = body(gid, steps, failAt);
            long sent = System.nanoTime();
            String firstNode = nodes.get(node);
            pending.add(submit(body, node, 0, sent).handle((status, e) -> {
                slots.release();
                answered.incrementAndGet();
                Submit submit = new Submit(sent, System.nanoTime(), firstNode, gid, failAt, e == null ? status : -1);
                submits.add(submit);
                if (submit.acknowledged()) {
                    sagas.put(gid, new Saga(gid, steps, true));
                }
                return null;
            }));
            pending.removeIf(CompletableFuture::isDone);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Submits to node {@code index}; a refused connection, a timeout or a 503 moves to the next node after a pause
     * (100 ms, growing to 1 s), for up to {@link #GIVE_UP_NANOS}, as a client with a deadline does: a whole cluster
     * restarting is seconds without any node. The same gid makes a repeated submit harmless.
     */
    private CompletableFuture<Integer> submit(String body, int index, int attempt, long firstSentNanos) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(nodes.get(index % nodes.size()) + "/api/dtmsvr/submit"))
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((r, e) -> {
                    if (e == null && r.statusCode() != 503) {
                        return CompletableFuture.completedFuture(r.statusCode());
                    }
                    if (System.nanoTime() - firstSentNanos > GIVE_UP_NANOS) {
                        return CompletableFuture.completedFuture(e == null ? r.statusCode() : -1);
                    }
                    Executor later = CompletableFuture.delayedExecutor(Math.min(1_000, 100L << Math.min(attempt, 4)),
                            TimeUnit.MILLISECONDS);
                    return CompletableFuture.supplyAsync(() -> null, later)
                            .thenCompose(x -> submit(body, index + 1, attempt + 1, firstSentNanos));
                })
                .thenCompose(f -> f);
    }

    private String body(String gid, List<Transfer> steps, int failAt) {
        ObjectNode o = JSON.createObjectNode().put("gid", gid).put("trans_type", "saga").put("retry_interval", 1)
                .put("request_timeout", 5);
        ArrayNode stepList = o.putArray("steps");
        ArrayNode payloads = o.putArray("payloads");
        for (int s = 0; s < steps.size(); s++) {
            stepList.addObject().put("action", bankAction).put("compensate", bankCompensate);
            ObjectNode payload = JSON.createObjectNode().put("account", steps.get(s).account())
                    .put("amount", steps.get(s).amount());
            if (s == failAt) {
                payload.put("fail", true);
            }
            payloads.add(payload.toString());
        }
        return o.toString();
    }

    /** Writes the history as JSON lines, times in ms since {@code startNanos}. */
    void writeHistory(Path file, long startNanos) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Submit s : submits) {
            ObjectNode line = JSON.createObjectNode().put("sent_ms", (s.sentNanos() - startNanos) / 1_000_000)
                    .put("answered_ms", (s.answeredNanos() - startNanos) / 1_000_000).put("node", s.node())
                    .put("gid", s.gid()).put("fail_at", s.failAt()).put("status", s.status());
            ArrayNode steps = line.putArray("steps");
            sagas.get(s.gid()).steps().forEach(t -> steps.addObject().put("account", t.account())
                    .put("amount", t.amount()));
            lines.add(line.toString());
        }
        Files.write(file, lines);
    }

    List<Submit> submits() {
        return List.copyOf(submits);
    }

    Map<String, Saga> sagas() {
        return sagas;
    }

    long acknowledged() {
        return sagas.values().stream().filter(Saga::acknowledged).count();
    }
}
