package io.ratchet.node.model;

import io.ratchet.api.BranchOp;
import io.ratchet.api.GlobalStatus;

/**
 * One accepted command in the history of a transaction, with the Raft position that committed it: the admin page's
 * timeline. Derived from the entry alone (no clock), so every member records the same history.
 *
 * @param timeMs     the leader's timestamp of the entry
 * @param branchId   the branch the command is about, or null
 * @param op         its op, or null
 * @param result     a branch call's meaning (report_branch only), or null
 * @param caller     the node that made the branch call (report_branch only), or null
 * @param durationMs how long that call took, 0 when not a call
 * @param status     the global status once the command was applied
 */
public record TimelineEntry(long index, long term, long timeMs, CommandType command, String branchId, BranchOp op,
                            BranchResult result, String caller, long durationMs, GlobalStatus status) {

    public static TimelineEntry of(long index, long term, long timeMs, Command command, GlobalTransaction after) {
        if (command instanceof Command.ReportBranch r) {
            return new TimelineEntry(index, term, timeMs, command.type(), r.branchId(), r.op(), r.result(), r.caller(),
                    r.durationMs(), after.status());
        }
        if (command instanceof Command.RegisterBranch r) {
            return new TimelineEntry(index, term, timeMs, command.type(), r.branchId(), null, null, null, 0,
                    after.status());
        }
        if (command instanceof Command.RecordProgress r) {
            return new TimelineEntry(index, term, timeMs, command.type(), r.branchId(), r.op(), null, null, 0,
                    after.status());
        }
        return new TimelineEntry(index, term, timeMs, command.type(), null, null, null, null, 0, after.status());
    }
}
