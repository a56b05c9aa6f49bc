package io.ratchet.node.model;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.util.ArrayList;
import java.util.List;

/**
 * The transitions of the two-phase modes, TCC and XA: prepare, register branches while prepared (the application
 * calls try itself), then submit runs the second phase forward (confirm / commit) and abort or a timeout runs it
 * backward (cancel / rollback); tcc calls its branches in reverse registration order, xa in registration order. Each
 * registered branch has two rows: the undo op first, then the do op. Pure.
 */
public final class TwoPhaseTransitions {

    /** DTM's timeout of a prepared tcc/xa transaction when timeout_to_fail is 0. */
    static final long DEFAULT_PREPARED_TIMEOUT_MS = 35_000;

    private TwoPhaseTransitions() {
    }

    static BranchOp doOp(TransType type) {
        return type == TransType.XA ? BranchOp.COMMIT : BranchOp.CONFIRM;
    }

    static BranchOp undoOp(TransType type) {
        return type == TransType.XA ? BranchOp.ROLLBACK : BranchOp.CANCEL;
    }

    public static long preparedTimeoutMs(GlobalTransaction tx) {
        return tx.options().timeoutToFailMs() > 0 ? tx.options().timeoutToFailMs() : DEFAULT_PREPARED_TIMEOUT_MS;
    }

    static Outcome prepare(GlobalTransaction before, Command.Prepare c, long nowMs) {
        if (before != null) {
            if (before.status() == GlobalStatus.PREPARED && before.transType() == c.transType()) {
                return new Outcome.Accepted(before, List.of());
            }
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected transaction '" + c.gid()
                    + "' to be new or prepared, but it is " + before.status().wireName());
        }
        GlobalTransaction created = new GlobalTransaction(c.gid(), c.transType(), GlobalStatus.PREPARED, List.of(),
                List.of(), c.customData(), "", c.options(), List.of(), nowMs, nowMs, 0, 0, "", nowMs,
                c.options().retryIntervalMs());
        return new Outcome.Accepted(created, List.of());
    }

    static Outcome register(GlobalTransaction before, Command.RegisterBranch c, long nowMs) {
        if (before == null) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "No prepared transaction '" + c.gid() + "'");
        }
        if (before.status() != GlobalStatus.PREPARED) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected transaction '" + c.gid()
                    + "' to be prepared to register a branch, but it is " + before.status().wireName());
        }
        if (nowMs >= before.createTimeMs() + preparedTimeoutMs(before)) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Transaction '" + c.gid() + "' timed out after "
                    + preparedTimeoutMs(before) / 1000 + " s in prepared; it can take no more branches");
        }
        BranchOp undo = undoOp(before.transType());
        if (before.rowOf(c.branchId(), undo) >= 0) {
            return new Outcome.Accepted(before, List.of()); // registering twice is idempotent
        }
        List<Branch> rows = new ArrayList<>(before.branches());
        rows.add(new Branch(c.branchId(), undo, c.undoUrl(), c.payload(), BranchStatus.PREPARED, 0, nowMs, nowMs, 0));
        rows.add(new Branch(c.branchId(), doOp(before.transType()), c.doUrl(), c.payload(), BranchStatus.PREPARED, 0,
                nowMs, nowMs, 0));
        return new Outcome.Accepted(before.withBranches(rows, nowMs), List.of());
    }

    static Outcome submit(GlobalTransaction before, Command.Submit c, long nowMs) {
        if (before == null) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "No prepared transaction '" + c.gid()
                    + "': prepare it and register its branches first");
        }
        if (before.status() == GlobalStatus.SUBMITTED) {
            return new Outcome.Accepted(before, List.of());
        }
        if (before.status() != GlobalStatus.PREPARED) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected transaction '" + c.gid()
                    + "' to be prepared or submitted, but it is " + before.status().wireName());
        }
        List<Event> events = new ArrayList<>();
        events.add(new Event.Submitted(c.gid()));
        GlobalTransaction after = before.withStatus(GlobalStatus.SUBMITTED, nowMs)
                .withNextAttempt(nowMs, before.options().retryIntervalMs());
        return new Outcome.Accepted(settle(after, nowMs, events), events);
    }

    /** The row the second phase calls next, in its order, or -1 when every row of that direction is done. */
    public static int nextRow(GlobalTransaction tx) {
        boolean forward = tx.status() == GlobalStatus.SUBMITTED;
        // as DTM: xa commits and rolls back in registration order, tcc confirms and cancels in reverse
        boolean registrationOrder = tx.transType() == TransType.XA;
        int branches = tx.branches().size() / 2;
        for (int i = 0; i < branches; i++) {
            int k = registrationOrder ? i : branches - 1 - i;
            int row = forward ? 2 * k + 1 : 2 * k;
            if (tx.branches().get(row).status() != BranchStatus.SUCCEED) {
                return row;
            }
        }
        return -1;
    }

    static Outcome report(GlobalTransaction before, Command.ReportBranch c, long nowMs) {
        int row = before.rowOf(c.branchId(), c.op());
        boolean forward = c.op() == doOp(before.transType());
        GlobalStatus allowed = forward ? GlobalStatus.SUBMITTED : GlobalStatus.ABORTING;
        if (row < 0 || before.status() != allowed || c.expected() != BranchStatus.PREPARED
                || before.branches().get(row).status() != BranchStatus.PREPARED || nextRow(before) != row) {
            return Outcome.rejected(Rejection.Kind.STALE, "Expected " + c.op().wireName() + " " + c.branchId()
                    + " of '" + c.gid() + "' to be the next due while " + allowed.wireName() + ", but the transaction is "
                    + before.status().wireName());
        }
        Branch branch = before.branches().get(row);
        List<Event> events = new ArrayList<>();
        GlobalTransaction after;
        if (c.result() == BranchResult.SUCCESS) {
            after = before.withBranch(row, branch.withStatus(BranchStatus.SUCCEED, nowMs))
                    .withNextAttempt(nowMs, before.options().retryIntervalMs());
            events.add(new Event.BranchSucceeded(c.gid(), c.branchId(), c.op()));
        } else {
            // Second-phase ops must eventually succeed: FAILURE is retried like any temporary error.
            BranchResult result = c.result() == BranchResult.ONGOING ? BranchResult.ONGOING : BranchResult.ERROR;
            Branch attempted = branch.withAttempt(nowMs);
            after = Transitions.scheduleRetry(before.withBranch(row, attempted), c, result, attempted.attempts(), nowMs,
                    events);
        }
        return new Outcome.Accepted(settle(after, nowMs, events), events);
    }

    /** Rows with an empty URL succeed when due; a finished direction ends the transaction. */
    static GlobalTransaction settle(GlobalTransaction tx, long nowMs, List<Event> events) {
        if (tx.status() != GlobalStatus.SUBMITTED && tx.status() != GlobalStatus.ABORTING) {
            return tx;
        }
        int row;
        while ((row = nextRow(tx)) >= 0 && tx.branches().get(row).url().isEmpty()) {
            Branch b = tx.branches().get(row);
            tx = tx.withBranch(row, b.withStatus(BranchStatus.SUCCEED, nowMs));
            events.add(new Event.BranchSucceeded(tx.gid(), b.branchId(), b.op()));
        }
        if (row < 0) {
            boolean forward = tx.status() == GlobalStatus.SUBMITTED;
            events.add(forward ? new Event.Succeeded(tx.gid()) : new Event.Failed(tx.gid()));
            return tx.withStatus(forward ? GlobalStatus.SUCCEED : GlobalStatus.FAILED, nowMs);
        }
        return tx;
    }
}
