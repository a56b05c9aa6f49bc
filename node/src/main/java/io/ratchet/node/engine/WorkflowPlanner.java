package io.ratchet.node.engine;

import io.ratchet.api.GlobalStatus;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.WorkflowTransitions;
import java.util.List;
import java.util.Set;

/** Decides when to call an unfinished workflow's resume URL ({@link #RESUME_ROW}). Pure. */
public final class WorkflowPlanner {

    /** The pseudo-row of the resume call, which has no row of its own. */
    public static final int RESUME_ROW = -2;

    private WorkflowPlanner() {
    }

    public static Plan plan(GlobalTransaction tx, long nowMs, Set<Integer> inFlightRows) {
        if (tx.status() != GlobalStatus.PREPARED || tx.queryPrepared().isEmpty()) {
            return Plan.idle(Long.MAX_VALUE);
        }
        long due = Math.max(tx.nextAttemptAtMs(), WorkflowTransitions.resumeDueMs(tx));
        if (nowMs < due) {
            return Plan.idle(due);
        }
        return inFlightRows.contains(RESUME_ROW) ? Plan.idle(Long.MAX_VALUE)
                : new Plan(List.of(RESUME_ROW), null, Long.MAX_VALUE);
    }
}
