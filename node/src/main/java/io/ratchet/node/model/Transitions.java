package io.ratchet.node.model;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure transition function: {@code apply(before, command, nowMs)} checks the status precondition of the change,
 * makes it, and performs the moves it implies in the same step (the last action succeeding makes the saga succeed;
 * a FAILURE makes it abort; the last compensation makes it fail). Deterministic: time is the entry's.
 */
public final class Transitions {

    /** Temporary errors double the retry interval up to this (PROTOCOL.md §5, Ratchet's cap). */
    public static final long MAX_RETRY_INTERVAL_MS = 3_600_000;

    private Transitions() {
    }

    public static Outcome apply(GlobalTransaction before, Command command, long nowMs) {
        return apply(before, command, nowMs, Topics.NONE);
    }

    /** With the msg topics, which fan {@code topic://name} steps out to their subscribers. */
    public static Outcome apply(GlobalTransaction before, Command command, long nowMs, Topics topics) {
        // One method per command (Java 17 has no pattern switch over sealed types yet); the two-phase modes in
        // TwoPhaseTransitions.
        if (command instanceof Command.Submit submit) {
            return switch (submit.transType()) {
                case SAGA -> submit(before, submit, nowMs);
                case MSG -> MsgTransitions.submit(before, submit, nowMs, topics);
                default -> TwoPhaseTransitions.submit(before, submit, nowMs);
            };
        } else if (command instanceof Command.ReportBranch report) {
            if (before == null) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "No transaction '" + report.gid() + "'");
            }
            return switch (before.transType()) {
                case SAGA -> report(before, report, nowMs);
                case MSG -> MsgTransitions.report(before, report, nowMs);
                case WORKFLOW -> WorkflowTransitions.resumed(before, report, nowMs);
                default -> TwoPhaseTransitions.report(before, report, nowMs);
            };
        } else if (command instanceof Command.PrepareWorkflow prepare) {
            return WorkflowTransitions.prepare(before, prepare, nowMs);
        } else if (command instanceof Command.RecordProgress progress) {
            return WorkflowTransitions.record(before, progress, nowMs);
        } else if (command instanceof Command.FinishWorkflow finish) {
            return WorkflowTransitions.finish(before, finish, nowMs);
        } else if (command instanceof Command.PrepareMessage prepare) {
            return MsgTransitions.prepare(before, prepare, nowMs, topics);
        } else if (command instanceof Command.Abort abort) {
            return abort(before, abort, nowMs);
        } else if (command instanceof Command.Prepare prepare) {
            return TwoPhaseTransitions.prepare(before, prepare, nowMs);
        } else if (command instanceof Command.RegisterBranch register) {
            return TwoPhaseTransitions.register(before, register, nowMs);
        } else if (command instanceof Command.ForceStop stop) {
            return forceStop(before, stop, nowMs);
        } else if (command instanceof Command.ResetNextAttempt reset) {
            return resetNextAttempt(before, reset, nowMs);
        }
        throw new IllegalArgumentException("Unknown command " + command.getClass().getName());
    }

    private static Outcome submit(GlobalTransaction before, Command.Submit c, long nowMs) {
        if (before != null) {
            if (before.status() == GlobalStatus.SUBMITTED && before.transType() == c.transType()) {
                return new Outcome.Accepted(before, List.of()); // resubmitting is idempotent
            }
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected transaction '" + c.gid()
                    + "' to be new or submitted, but it is " + before.status().wireName());
        }
        List<Branch> rows = new ArrayList<>(2 * c.steps().size());
        for (int i = 0; i < c.steps().size(); i++) {
            String payload = i < c.payloads().size() ? c.payloads().get(i) : "";
            String id = GlobalTransaction.branchId(i);
            Step step = c.steps().get(i);
            rows.add(new Branch(id, BranchOp.COMPENSATE, step.compensate(), payload, BranchStatus.PREPARED, 0, nowMs,
                    nowMs, 0));
            rows.add(new Branch(id, BranchOp.ACTION, step.action(), payload, BranchStatus.PREPARED, 0, nowMs, nowMs, 0));
        }
        GlobalTransaction created = new GlobalTransaction(c.gid(), c.transType(), GlobalStatus.SUBMITTED, c.steps(),
                c.payloads(), c.customData(), "", c.options(), rows, nowMs, nowMs, 0, 0, "", nowMs,
                c.options().retryIntervalMs());
        List<Event> events = new ArrayList<>();
        events.add(new Event.Submitted(c.gid()));
        return new Outcome.Accepted(settle(created, nowMs, events), events);
    }

    private static Outcome report(GlobalTransaction before, Command.ReportBranch c, long nowMs) {
        int row = before.rowOf(c.branchId(), c.op());
        GlobalStatus allowed = c.op() == BranchOp.ACTION ? GlobalStatus.SUBMITTED : GlobalStatus.ABORTING;
        // Only a prepared row takes an outcome: a row that already has one is final for this transaction.
        if (row < 0 || before.status() != allowed || c.expected() != BranchStatus.PREPARED
                || before.branches().get(row).status() != c.expected()) {
            return Outcome.rejected(Rejection.Kind.STALE, "Expected " + c.op().wireName() + " " + c.branchId()
                    + " of '" + c.gid() + "' to be " + c.expected().wireName() + " while " + allowed.wireName()
                    + ", but the transaction is " + before.status().wireName()
                    + (row < 0 ? " and has no such branch" : " and the branch "
                    + before.branches().get(row).status().wireName()));
        }
        int step = row / 2;
        boolean inOrder = c.op() == BranchOp.ACTION ? before.actionReady(step)
                : before.actionStarted(step) && compensationsDone(before, before.compensateAfter(step));
        if (!inOrder) {
            return Outcome.rejected(Rejection.Kind.STALE, "Expected " + c.op().wireName() + " " + c.branchId()
                    + " of '" + c.gid() + "' to be due, but the steps it waits for are not done");
        }
        Branch branch = before.branches().get(row);
        List<Event> events = new ArrayList<>();
        GlobalTransaction after;
        long base = before.options().retryIntervalMs();
        switch (definite(c)) {
            case SUCCESS -> {
                after = before.withBranch(row, branch.withStatus(BranchStatus.SUCCEED, nowMs))
                        .withNextAttempt(nowMs, base);
                events.add(new Event.BranchSucceeded(c.gid(), c.branchId(), c.op()));
            }
            case FAILURE -> {
                String reason = failureReason(branch, c.message());
                after = before.withBranch(row, branch.withStatus(BranchStatus.FAILED, nowMs))
                        .withRollbackReason(reason)
                        .withStatus(GlobalStatus.ABORTING, nowMs)
                        .withNextAttempt(nowMs, base);
                events.add(new Event.BranchFailed(c.gid(), c.branchId(), c.op(), c.message()));
                events.add(new Event.Aborting(c.gid(), reason));
            }
            default -> {
                BranchResult result = definite(c) == BranchResult.ONGOING ? BranchResult.ONGOING : BranchResult.ERROR;
                Branch attempted = branch.withAttempt(nowMs);
                after = scheduleRetry(before.withBranch(row, attempted), c, result, attempted.attempts(), nowMs, events);
                after = abortIfRetriesExhausted(after, attempted, nowMs, events);
            }
        }
        return new Outcome.Accepted(settle(after, nowMs, events), events);
    }

    /**
     * No definite answer: as DTM, an error (not ONGOING) doubles the interval, up to {@link #MAX_RETRY_INTERVAL_MS},
     * and the next try comes after the doubled one (20 s, 40 s, ... for the default 10 s); ONGOING keeps the interval.
     * Shared by every mode.
     */
    static GlobalTransaction scheduleRetry(GlobalTransaction tx, Command.ReportBranch c, BranchResult result,
                                           int attempts, long nowMs, List<Event> events) {
        long interval = result == BranchResult.ONGOING ? tx.retryIntervalMs()
                : Math.min(2 * tx.retryIntervalMs(), MAX_RETRY_INTERVAL_MS);
        long next = nowMs + interval;
        events.add(new Event.BranchRetrying(c.gid(), c.branchId(), c.op(), result, attempts, next, c.message()));
        return tx.withNextAttempt(next, interval);
    }

    /** The rollback reason of an action that answered FAILURE, in DTM's words: the URL and what it answered. */
    static String failureReason(Branch action, String answer) {
        return "url:" + action.url() + " return failed: " + answer + (answer.endsWith("FAILURE") ? "" : " FAILURE");
    }

    /** FAILURE is definite only for a saga action; compensations must eventually succeed, so it is an error there. */
    private static BranchResult definite(Command.ReportBranch c) {
        return c.result() == BranchResult.FAILURE && c.op() != BranchOp.ACTION ? BranchResult.ERROR : c.result();
    }

    private static GlobalTransaction abortIfRetriesExhausted(GlobalTransaction tx, Branch attempted, long nowMs,
                                                             List<Event> events) {
        long limit = tx.options().retryLimit();
        // like DTM, retry_limit N allows N calls after the first: the action is called N + 1 times before the abort
        if (attempted.op() != BranchOp.ACTION || limit <= 0 || attempted.attempts() <= limit) {
            return tx;
        }
        String reason = "RetryCount is greater than RetryLimit, RetryLimit: " + limit; // DTM's text
        events.add(new Event.Aborting(tx.gid(), reason));
        return tx.withRollbackReason(reason).withStatus(GlobalStatus.ABORTING, nowMs)
                .withNextAttempt(nowMs, tx.options().retryIntervalMs());
    }

    private static Outcome abort(GlobalTransaction before, Command.Abort c, long nowMs) {
        if (before == null) {
            return Outcome.rejected(Rejection.Kind.NOT_FOUND, "No transaction '" + c.gid() + "'");
        }
        if (before.status() == GlobalStatus.ABORTING && c.expected() == GlobalStatus.PREPARED) {
            return new Outcome.Accepted(before, List.of()); // the application's abort, repeated
        }
        if (before.transType() == TransType.MSG && before.status() == GlobalStatus.PREPARED
                && c.expected() == GlobalStatus.PREPARED) {
            // A prepared message has nothing to undo: its actions were never called.
            return new Outcome.Accepted(before.withRollbackReason(c.reason()).withStatus(GlobalStatus.FAILED, nowMs),
                    List.of(new Event.Failed(c.gid())));
        }
        if (before.status() != c.expected()) {
            return Outcome.rejected(Rejection.Kind.STALE, "Expected transaction '" + c.gid() + "' to be "
                    + c.expected().wireName() + ", but it is " + before.status().wireName());
        }
        List<Event> events = new ArrayList<>();
        events.add(new Event.Aborting(c.gid(), c.reason()));
        GlobalTransaction after = before.withRollbackReason(c.reason()).withStatus(GlobalStatus.ABORTING, nowMs)
                .withNextAttempt(nowMs, before.options().retryIntervalMs());
        return new Outcome.Accepted(settleAny(after, nowMs, events), events);
    }

    private static Outcome forceStop(GlobalTransaction before, Command.ForceStop c, long nowMs) {
        if (before == null) {
            return Outcome.rejected(Rejection.Kind.NOT_FOUND, "No transaction '" + c.gid() + "'");
        }
        if (before.status().isFinal()) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected transaction '" + c.gid()
                    + "' to be unfinished, but it is " + before.status().wireName());
        }
        return new Outcome.Accepted(before.withRollbackReason("force stopped").withStatus(GlobalStatus.FAILED, nowMs),
                List.of(new Event.Failed(c.gid())));
    }

    private static Outcome resetNextAttempt(GlobalTransaction before, Command.ResetNextAttempt c, long nowMs) {
        if (before == null) {
            return Outcome.rejected(Rejection.Kind.NOT_FOUND, "No transaction '" + c.gid() + "'");
        }
        if (before.status().isFinal()) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected transaction '" + c.gid()
                    + "' to be unfinished, but it is " + before.status().wireName());
        }
        return new Outcome.Accepted(before.withNextAttempt(nowMs, before.options().retryIntervalMs()),
                List.of(new Event.Rescheduled(c.gid())));
    }

    private static GlobalTransaction settleAny(GlobalTransaction tx, long nowMs, List<Event> events) {
        return tx.transType() == TransType.SAGA ? settle(tx, nowMs, events)
                : TwoPhaseTransitions.settle(tx, nowMs, events);
    }

    /**
     * The moves a change implies: rows with an empty URL succeed as soon as they are due (nothing to call), a saga
     * whose actions all succeeded succeeds, one whose started steps are all compensated fails.
     */
    static GlobalTransaction settle(GlobalTransaction tx, long nowMs, List<Event> events) {
        boolean changed = true;
        while (changed) {
            changed = false;
            int n = tx.steps().size();
            if (tx.status() == GlobalStatus.SUBMITTED) {
                for (int i = 0; i < n; i++) {
                    Branch action = tx.action(i);
                    if (action.status() == BranchStatus.PREPARED && action.url().isEmpty() && tx.actionReady(i)) {
                        tx = tx.withBranch(2 * i + 1, action.withStatus(BranchStatus.SUCCEED, nowMs));
                        events.add(new Event.BranchSucceeded(tx.gid(), action.branchId(), BranchOp.ACTION));
                        changed = true;
                    }
                }
                boolean allDone = true;
                for (int i = 0; i < n; i++) {
                    allDone &= tx.action(i).status() == BranchStatus.SUCCEED;
                }
                if (allDone) {
                    events.add(new Event.Succeeded(tx.gid()));
                    return tx.withStatus(GlobalStatus.SUCCEED, nowMs);
                }
            } else if (tx.status() == GlobalStatus.ABORTING) {
                for (int i = n - 1; i >= 0; i--) {
                    Branch compensate = tx.compensate(i);
                    if (compensate.status() == BranchStatus.PREPARED && compensate.url().isEmpty()
                            && tx.actionStarted(i) && compensationsDone(tx, tx.compensateAfter(i))) {
                        tx = tx.withBranch(2 * i, compensate.withStatus(BranchStatus.SUCCEED, nowMs));
                        events.add(new Event.BranchSucceeded(tx.gid(), compensate.branchId(), BranchOp.COMPENSATE));
                        changed = true;
                    }
                }
                if (compensationsDone(tx, java.util.stream.IntStream.range(0, n).boxed().toList())) {
                    events.add(new Event.Failed(tx.gid()));
                    return tx.withStatus(GlobalStatus.FAILED, nowMs);
                }
            }
        }
        return tx;
    }

    /** Whether each of these steps is compensated, or never started and so needs no compensation. */
    public static boolean compensationsDone(GlobalTransaction tx, List<Integer> steps) {
        for (int i : steps) {
            if (tx.actionStarted(i) && tx.compensate(i).status() != BranchStatus.SUCCEED) {
                return false;
            }
        }
        return true;
    }
}
