package io.ratchet.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ratchet.chaos.check.History.Saga;
import io.ratchet.chaos.check.History.Transfer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients submitting two- and three-step transfer sagas to random nodes, about one in five set to fail at a random
 * step, {@code concurrency} at once, seeded. Every submit is recorded, acknowledged (2xx) or not.
 */
final class Workload {

    private static final ObjectMapper JSON = new ObjectMapper();
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

    Workload(List<String> nodes, String bankAction, String bankCompensate, int accounts, String run, long seed) {
        this.nodes = List.copyOf(nodes);
        this.bankAction = bankAction;
        this.bankCompensate = bankCompensate;
        this.accounts = accounts;
        this.run = run;
        this.random = new Random(seed);
    }

    /** Submits until {@code untilNanos}, at most {@code concurrency} in flight; returns when all have answered. */
    void run(long untilNanos, int concurrency) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long n = 0;
        while (System.nanoTime() < untilNanos) {
            slots.acquire();
            String gid = run + "-" + n++;
            List<Transfer> steps = new ArrayList<>();
            int stepCount;
            int failAt;
            String node;
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
                node = nodes.get(random.nextInt(nodes.size()));
            }
            Saga saga = new Saga(gid, steps, false);
            sagas.put(gid, saga);
            HttpRequest request = HttpRequest.newBuilder(URI.create(node + "/api/dtmsvr/submit"))
                    .timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.ofString(body(gid, steps, failAt))).build();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                slots.release();
                answered.incrementAndGet();
                if (e == null && r.statusCode() / 100 == 2) {
                    sagas.put(gid, new Saga(gid, steps, true));
                }
                return null;
            }));
            pending.removeIf(CompletableFuture::isDone);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
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

    Map<String, Saga> sagas() {
        return sagas;
    }

    long acknowledged() {
        return sagas.values().stream().filter(Saga::acknowledged).count();
    }
}
