package io.ratchet.node.engine;

import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.MsgTransitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides the next calls of a two-phase message. Pure. Prepared: the back-check ({@link #BACK_CHECK_ROW}) once
 * the prepared timeout has passed. Submitted: the next action in order, or every pending one when concurrent.
 */
public final class MsgPlanner {

    /** The pseudo-row of the back-check call, which has no row of its own. */
    public static final int BACK_CHECK_ROW = -1;

    private MsgPlanner() {
    }

    public static Plan plan(GlobalTransaction tx, long nowMs, Set<Integer> inFlightRows) {
        if (tx.status().isFinal()) {
            return Plan.idle(Long.MAX_VALUE);
        }
        long due = Math.max(tx.nextAttemptAtMs(),
                tx.status() == GlobalStatus.PREPARED ? MsgTransitions.backCheckDueMs(tx) : 0);
        if (nowMs < due) {
            return Plan.idle(due);
        }
        if (tx.status() == GlobalStatus.PREPARED) {
            return inFlightRows.contains(BACK_CHECK_ROW) || tx.queryPrepared().isEmpty()
                    ? Plan.idle(Long.MAX_VALUE)
                    : new Plan(List.of(BACK_CHECK_ROW), null, Long.MAX_VALUE);
        }
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < tx.branches().size(); row++) {
            if (tx.branches().get(row).status() == BranchStatus.PREPARED && !tx.branches().get(row).url().isEmpty()
                    && MsgTransitions.due(tx, row) && !inFlightRows.contains(row)) {
                rows.add(row);
            }
        }
        return new Plan(rows, null, Long.MAX_VALUE);
    }
}
