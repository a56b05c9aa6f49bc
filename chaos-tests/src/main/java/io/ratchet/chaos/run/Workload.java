package io.ratchet.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ratchet.api.barrier.BranchBarrier;
import io.ratchet.api.client.Msg;
import io.ratchet.api.client.RatchetClient;
import io.ratchet.api.client.RatchetException;
import io.ratchet.api.client.Tcc;
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
 * Clients running transfers against random nodes, seeded: six in ten are two- or three-step sagas, two in ten
 * two-branch TCC transactions (debit, credit), two in ten two-phase messages (the debit as the client's local
 * transaction, the credit as the message's step); about one in five is set to fail at a random step (a saga's
 * action, a TCC's try, a message's local transaction). At most {@code concurrency} at once and {@code perSecond} a
 * second, a load the bank serves with room to spare, so that what the checker sees is the faults' doing and not a
 * backlog's. Every transaction is recorded, acknowledged or not (503, timeout: it may or may not exist).
 */
final class Workload {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * The coordinator's first retry of a branch after 1 s (doubling after), and 5 s for a branch call, for every kind:
     * with DTM's default of 10 s, a TCC confirm that met an injected 500 twice was still open 30 s after the faults.
     */
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration BRANCH_TIMEOUT = Duration.ofSeconds(5);
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
    enum Kind { SAGA, TCC, MSG }

    /**
     * One transaction a client ran: when it was sent and answered (nanoTime), to which node first, what, and the
     * answer: for a saga the submit's HTTP status; for TCC and msg 200 submitted, 409 aborted after a try or the
     * local transaction failed; -1 none.
     *
     * @param acknowledged whether the cluster committed the client's decision: a 2xx submit, or an abort
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
                int dice = random.nextInt(10);
                kind = dice < 2 ? Kind.TCC : dice < 4 ? Kind.MSG : Kind.SAGA;
                stepCount = kind == Kind.SAGA ? 2 + random.nextInt(2) : 2;
                // A message's steps must not fail (they are retried until they succeed): only its local transaction.
                failAt = random.nextInt(5) == 0 ? (kind == Kind.MSG ? 0 : random.nextInt(stepCount)) : -1;
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
            CompletableFuture<Integer> answer = switch (kind) {
                case TCC -> tcc(clients.get(node), gid, steps, failAt);
                case MSG -> msg(clients.get(node), gid, steps, failAt);
                case SAGA -> submit(body(gid, steps, failAt), node, 0, sent);
            };
            pending.add(answer.handle((status, e) -> {
                slots.release();
                answered.incrementAndGet();
                int code = e == null ? status : -1;
                Submit submit = new Submit(sent, System.nanoTime(), firstNode, gid, kind, failAt, code,
                        code / 100 == 2 || kind != Kind.SAGA && code == 409);
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
        Tcc tcc = client.tcc(gid).timeoutToFail(Duration.ofSeconds(20)).retryInterval(RETRY)
                .requestTimeout(BRANCH_TIMEOUT);
        return tcc.run(t -> {
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

    /**
     * A two-phase message: prepare it with its credit steps and the bank's back-check URL, run the debit as the
     * client's local transaction in the bank (behind the msg barrier), then submit; a local transaction that fails
     * makes it abort, and one whose answer is lost leaves it prepared for the coordinator's back-check.
     */
    private CompletableFuture<Integer> msg(RatchetClient client, String gid, List<Transfer> steps, int failAt) {
        Msg msg = client.msg(gid).timeoutToFail(Duration.ofSeconds(10)).retryInterval(RETRY)
                .requestTimeout(BRANCH_TIMEOUT);
        for (Transfer t : steps.subList(1, steps.size())) {
            msg.add(bank + "/msg/action", Map.of("account", t.account(), "amount", t.amount()));
        }
        String local = JSON.createObjectNode().put("account", steps.get(0).account())
                .put("amount", steps.get(0).amount()).put("fail", failAt == 0).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(bank + "/msg/local?gid=" + gid
                        + "&trans_type=msg&branch_id=" + BranchBarrier.MSG_BRANCH_ID + "&op=" + BranchBarrier.MSG_OP))
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(local)).build();
        return msg.prepare(bank + "/msg/query")
                .thenCompose(v -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .thenCompose(r -> r.statusCode() == 200 ? msg.submit().thenApply(v -> 200)
                        : r.statusCode() == 409 ? msg.abort().thenApply(v -> 409)
                        : CompletableFuture.completedFuture(-1))
                .exceptionally(e -> -1);
    }

    private String body(String gid, List<Transfer> steps, int failAt) {
        ObjectNode o = JSON.createObjectNode().put("gid", gid).put("trans_type", "saga")
                .put("retry_interval", RETRY.toSeconds()).put("request_timeout", BRANCH_TIMEOUT.toSeconds());
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
