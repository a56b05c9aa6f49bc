package io.ratchet.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ratchet.api.client.RatchetClient;
import io.ratchet.api.client.RatchetException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Clients running transfers against random nodes, seeded: seven in ten are two- or three-step sagas, three in ten
 * two-branch TCC transactions (debit, credit); about one in five is set to fail at a random step (its action or its
 * try). At most {@code concurrency} at once and {@code perSecond} a second, a load the bank serves with room to
 * spare, so that what the checker sees is the faults' doing and not a backlog's. Every transaction is recorded,
 * acknowledged or not (503, timeout: it may or may not exist).
 */
final class Workload {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> nodes;
    private final String bank;
    private final List<RatchetClient> clients = new ArrayList<>();
    private final int accounts;
    private final String run;
    private final Random random;
    private final Map<String, Saga> sagas = new ConcurrentHashMap<>();
    private final AtomicLong answered = new AtomicLong();
    private final Queue<Submit> submits = new ConcurrentLinkedQueue<>();

    /** What a client ran. */
    enum Kind { SAGA, TCC }

    /**
     * One transaction a client ran: when it was sent and answered (nanoTime), to which node first, what, and the
     * answer: for a saga the submit's HTTP status; for TCC 200 submitted, 409 aborted after a try failed; -1 none.
     *
     * @param acknowledged whether the cluster committed the client's decision: a 2xx submit, or a TCC's abort
     */
    record Submit(long sentNanos, long answeredNanos, String node, String gid, Kind kind, int failAt, int status,
                  boolean acknowledged) {
    }

    /**
     * @param bank the bank's base URL: saga steps call {@code /action} and {@code /compensate}, TCC branches
     *             {@code /tcc/try}, {@code /tcc/confirm} and {@code /tcc/cancel}
     */
    Workload(List<String> nodes, String bank, int accounts, String run, long seed) {
        this.nodes = List.copyOf(nodes);
        this.bank = bank;
        this.accounts = accounts;
        this.run = run;
        this.random = new Random(seed);
        // One client per first node, so that TCC traffic starts at random nodes like the sagas'; each fails over to
        // the others for as long as the sagas' clients do (10 rounds, 1 s apart).
        for (int i = 0; i < nodes.size(); i++) {
            List<String> order = new ArrayList<>(nodes.subList(i, nodes.size()));
            order.addAll(nodes.subList(0, i));
            clients.add(RatchetClient.builder().nodes(order).requestTimeout(Duration.ofSeconds(15))
                    .rounds(10, Duration.ofSeconds(1)).build());
        }
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
            Kind kind;
            synchronized (random) {
                kind = random.nextInt(10) < 3 ? Kind.TCC : Kind.SAGA;
                stepCount = kind == Kind.TCC ? 2 : 2 + random.nextInt(2);
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
            long sent = System.nanoTime();
            String firstNode = nodes.get(node);
            CompletableFuture<Integer> answer = kind == Kind.TCC ? tcc(clients.get(node), gid, steps, failAt)
                    : submit(body(gid, steps, failAt), node, 0, sent);
            pending.add(answer.handle((status, e) -> {
                slots.release();
                answered.incrementAndGet();
                int code = e == null ? status : -1;
                Submit submit = new Submit(sent, System.nanoTime(), firstNode, gid, kind, failAt, code,
                        code / 100 == 2 || kind == Kind.TCC && code == 409);
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

    /**
     * A TCC transfer through the api module's client: prepare, then each branch registered and tried in turn (the
     * debit first), then submit; a try that fails makes it abort. 200 when submitted, 409 when a try failed and the
     * abort was committed.
     */
    private CompletableFuture<Integer> tcc(RatchetClient client, String gid, List<Transfer> steps, int failAt) {
        // A TCC whose client lost the cluster before its decision is aborted by the coordinator 20 s after it began.
        return client.tcc(gid).timeoutToFail(Duration.ofSeconds(20)).run(t -> {
            CompletableFuture<String> tries = CompletableFuture.completedFuture("");
            for (int s = 0; s < steps.size(); s++) {
                Map<String, Object> payload = Map.of("account", steps.get(s).account(), "amount",
                        steps.get(s).amount(), "fail", s == failAt);
                tries = tries.thenCompose(x -> t.callBranch(payload, bank + "/tcc/try", bank + "/tcc/confirm",
                        bank + "/tcc/cancel"));
            }
            return tries;
        }).handle((g, e) -> {
            if (e == null) {
                return 200;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return cause instanceof RatchetException.BranchFailed && cause.getSuppressed().length == 0 ? 409 : -1;
        });
    }

    private String body(String gid, List<Transfer> steps, int failAt) {
        ObjectNode o = JSON.createObjectNode().put("gid", gid).put("trans_type", "saga").put("retry_interval", 1)
                .put("request_timeout", 5);
        ArrayNode stepList = o.putArray("steps");
        ArrayNode payloads = o.putArray("payloads");
        for (int s = 0; s < steps.size(); s++) {
            stepList.addObject().put("action", bank + "/action").put("compensate", bank + "/compensate");
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
                    .put("gid", s.gid()).put("kind", s.kind().name().toLowerCase(Locale.ROOT))
                    .put("fail_at", s.failAt()).put("status", s.status()).put("acknowledged", s.acknowledged());
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
