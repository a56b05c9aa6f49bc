package io.ratchet.node.engine;

import io.ratchet.api.BranchOp;
import io.ratchet.api.TransType;
import io.ratchet.log.LogException;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.Role;
import io.ratchet.node.metrics.NodeMetrics;
import io.ratchet.node.model.Branch;
import io.ratchet.node.model.BranchResult;
import io.ratchet.node.model.Command;
import io.ratchet.node.model.CommandCodec;
import io.ratchet.node.model.Event;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.MsgTransitions;
import io.ratchet.node.model.TransactionStore;
import io.ratchet.node.model.WorkflowTransitions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives transactions while this node leads: on every applied change and every due time it asks the mode's
 * planner ({@link SagaPlanner}, {@link TwoPhasePlanner}, {@link MsgPlanner}, {@link WorkflowPlanner}) what to call,
 * calls it (at most {@code maxConcurrentCalls} at once), and submits each answer as a {@link Command.ReportBranch}. One verticle instance: all its state lives on one event loop, without locks.
 * Timers, the due queue and in-flight calls are leader-local and rebuilt from the store on becoming leader.
 */
public final class TransactionEngine extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionEngine.class);
    /**
     * A deliberately broken engine, for the chaos suite's self-test only: the compensation of a saga's first step
     * (the last one to run) is reported done without being called. Off unless the JVM is started with
     * {@code -Dratchet.chaos.broken-compensation=true}; the checker must then report the missing compensations.
     */
    private static final boolean BROKEN_COMPENSATION = Boolean.getBoolean("ratchet.chaos.broken-compensation");
    /** How soon to try again when an answer could not be recorded (no leader, timeout). */
    private static final long REPORT_RETRY_MS = 1_000;

    private final String nodeId;
    private final ReplicatedLog log;
    private final TransactionStore store;
    private final int maxConcurrentCalls;
    private final LongSupplier clock;
    private final String alertUrl;
    private final int alertAfterRetries;
    private final NodeMetrics metrics;
    private AlertWebhook alerts;

    private Context engineContext;
    private BranchCaller caller;
    private boolean active;
    private long activeTerm;
    private final Map<String, Set<Integer>> inFlight = new HashMap<>();
    private final Set<String> aborting = new HashSet<>();
    private final ArrayDeque<Runnable> waitingCalls = new ArrayDeque<>();
    private int callsRunning;
    private final TreeMap<Long, Set<String>> due = new TreeMap<>();
    private final Map<String, Long> dueAt = new HashMap<>();
    private long timerId = -1;
    private long timerAt = Long.MAX_VALUE;
    /** When this node last won an election, until the first commit of resumed work; -1 otherwise. */
    private long leaderSinceNanos = -1;

    /**
     * @param nodeId   this node, recorded with each branch call it reports
     * @param alertUrl where to POST an alert when a branch reaches {@code alertAfterRetries} retries ("" = off)
     */
    public TransactionEngine(String nodeId, ReplicatedLog log, TransactionStore store, int maxConcurrentCalls,
                             LongSupplier clock, String alertUrl, int alertAfterRetries, NodeMetrics metrics) {
        this.nodeId = nodeId;
        this.log = log;
        this.store = store;
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.clock = clock;
        this.alertUrl = alertUrl;
        this.alertAfterRetries = alertAfterRetries;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        engineContext = context;
        caller = new BranchCaller(vertx, maxConcurrentCalls);
        alerts = new AlertWebhook(vertx, alertUrl, alertAfterRetries);
        // Read from a metrics thread: plain reads of event-loop state, approximate by design.
        metrics.watch(() -> callsRunning, waitingCalls::size, dueAt::size);
        // The log replays its latest role event to a new listener, so a leadership won before start is not missed.
        log.addRoleListener((role, leader, term) -> engineContext.runOnContext(v -> onRole(role, term)));
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        caller.close();
        alerts.close();
        return Future.succeededFuture();
    }

    /** From the apply thread: look again at a transaction whose state changed. */
    public void onApplied(GlobalTransaction after, List<Event> events) {
        Context ctx = engineContext;
        if (ctx != null) {
            ctx.runOnContext(v -> {
                if (active) {
                    for (Event e : events) {
                        TransactionLog.applied(after, e);
                        if (e instanceof Event.BranchRetrying retrying) {
                            alerts.onRetrying(after, retrying);
                        }
                    }
                    reconsider(after.gid());
                }
            });
        }
    }

    private void onRole(Role role, long term) {
        if (role == Role.LEADER) {
            active = true;
            activeTerm = term;
            List<GlobalTransaction> unfinished = store.unfinished();
            leaderSinceNanos = unfinished.isEmpty() ? -1 : System.nanoTime();
            LOG.info("Leader in term {}: resuming {} unfinished transactions", term, unfinished.size());
            unfinished.forEach(tx -> reconsider(tx.gid()));
        } else if (active) {
            LOG.info("No longer leader (term {}): stopping the engine", term);
            active = false;
            leaderSinceNanos = -1;
            due.clear();
            dueAt.clear();
            waitingCalls.clear();
            aborting.clear();
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
                timerAt = Long.MAX_VALUE;
            }
        }
    }

    private void reconsider(String gid) {
        if (!active) {
            return;
        }
        unschedule(gid);
        // A finished transaction has left the heap for the finished store: nothing more to do for it.
        GlobalTransaction tx = store.getUnfinished(gid);
        if (tx == null) {
            return;
        }
        long now = clock.getAsLong();
        Set<Integer> running = inFlight.getOrDefault(gid, Set.of());
        Plan plan = switch (tx.transType()) {
            case SAGA -> SagaPlanner.plan(tx, now, running);
            case MSG -> MsgPlanner.plan(tx, now, running);
            case WORKFLOW -> WorkflowPlanner.plan(tx, now, running);
            default -> TwoPhasePlanner.plan(tx, now, running);
        };
        if (plan.abortReason() != null) {
            abort(tx, plan.abortReason());
            return;
        }
        for (int row : plan.callRows()) {
            startCall(tx, row);
        }
        if (plan.callRows().isEmpty() && running.isEmpty() && plan.wakeAtMs() != Long.MAX_VALUE) {
            schedule(gid, plan.wakeAtMs());
        }
    }

    private void abort(GlobalTransaction tx, String reason) {
        if (!aborting.add(tx.gid())) {
            return;
        }
        TransactionLog.aborting(tx, reason);
        submit(new Command.Abort(tx.gid(), tx.status(), reason)).onComplete(r -> {
            aborting.remove(tx.gid());
            if (r.failed()) {
                schedule(tx.gid(), clock.getAsLong() + REPORT_RETRY_MS);
            }
        });
    }

    private void startCall(GlobalTransaction tx, int row) {
        inFlight.computeIfAbsent(tx.gid(), g -> new HashSet<>()).add(row);
        Runnable call = () -> call(tx, row);
        if (callsRunning < maxConcurrentCalls) {
            call.run();
        } else {
            waitingCalls.add(call);
        }
    }

    private void call(GlobalTransaction tx, int row) {
        callsRunning++;
        long term = activeTerm;
        Branch branch = row == MsgPlanner.BACK_CHECK_ROW ? MsgTransitions.backCheck(tx)
                : row == WorkflowPlanner.RESUME_ROW ? WorkflowTransitions.resume(tx) : tx.branches().get(row);
        String op = row == WorkflowPlanner.RESUME_ROW ? WorkflowTransitions.name(tx) : branch.op().wireName();
        long started = System.nanoTime();
        Future<BranchAnswer> answered = BROKEN_COMPENSATION && tx.transType() == TransType.SAGA
                && branch.op() == BranchOp.COMPENSATE && branch.branchId().equals(GlobalTransaction.branchId(0))
                ? Future.succeededFuture(new BranchAnswer(BranchResult.SUCCESS, "skipped (broken-compensation)"))
                : caller.call(tx, branch, op);
        answered
                .compose(answer -> {
                    long nanos = System.nanoTime() - started;
                    metrics.branchCall(branch.op().wireName(), answer.result(), nanos);
                    TransactionLog.called(tx, branch, op, answer, nanos / 1_000_000);
                    if (!active || term != activeTerm) {
                        // Deposed meanwhile: the new leader calls again; this answer is not ours to record.
                        return Future.succeededFuture();
                    }
                    return submit(new Command.ReportBranch(tx.gid(), branch.branchId(), branch.op(), branch.status(),
                            answer.result(), answer.message(), nodeId, nanos / 1_000_000));
                })
                .onComplete(r -> {
                    callsRunning--;
                    Set<Integer> rows = inFlight.get(tx.gid());
                    if (rows != null) {
                        rows.remove(row);
                        if (rows.isEmpty()) {
                            inFlight.remove(tx.gid());
                        }
                    }
                    if (r.failed()) {
                        schedule(tx.gid(), clock.getAsLong() + REPORT_RETRY_MS);
                    } else {
                        reconsider(tx.gid());
                    }
                    Runnable next = waitingCalls.poll();
                    if (next != null) {
                        next.run();
                    }
                });
    }

    private Future<Void> submit(Command command) {
        return Future.fromCompletionStage(log.submit(CommandCodec.encode(command)), engineContext)
                .<Void>mapEmpty()
                .onSuccess(v -> {
                    if (leaderSinceNanos >= 0) {
                        metrics.leaderFirstCommit(System.nanoTime() - leaderSinceNanos);
                        leaderSinceNanos = -1;
                    }
                })
                .onFailure(e -> {
                    if (!(e instanceof LogException le && le.retriable())) {
                        LOG.warn("Could not record {} for '{}': {}", command.type(), command.gid(), e.toString());
                    }
                });
    }

    // ---- the due queue ---------------------------------------------------------------------------------------

    private void schedule(String gid, long atMs) {
        unschedule(gid);
        due.computeIfAbsent(atMs, t -> new HashSet<>()).add(gid);
        dueAt.put(gid, atMs);
        armTimer();
    }

    private void unschedule(String gid) {
        Long at = dueAt.remove(gid);
        if (at != null) {
            Set<String> gids = due.get(at);
            if (gids != null && gids.remove(gid) && gids.isEmpty()) {
                due.remove(at);
            }
        }
    }

    private void armTimer() {
        if (due.isEmpty()) {
            return;
        }
        long first = due.firstKey();
        if (timerId >= 0 && timerAt <= first) {
            return;
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        timerAt = first;
        timerId = vertx.setTimer(Math.max(1, first - clock.getAsLong()), id -> {
            timerId = -1;
            timerAt = Long.MAX_VALUE;
            runDue();
        });
    }

    private void runDue() {
        long now = clock.getAsLong();
        while (!due.isEmpty() && due.firstKey() <= now) {
            Set<String> gids = due.pollFirstEntry().getValue();
            for (String gid : gids) {
                dueAt.remove(gid);
                reconsider(gid);
            }
        }
        armTimer();
    }
}
