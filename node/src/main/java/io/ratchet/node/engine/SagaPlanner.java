package io.ratchet.node.engine;

import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.Transitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides the next branch calls of a saga from its committed state. Pure. Sequential sagas call one action at a
 * time in step order; concurrent ones every action whose {@code orders} dependencies succeeded. Aborting sagas
 * compensate every started step in reverse order (concurrent: a step after every step that depends on it).
 */
public final class SagaPlanner {

    private SagaPlanner() {
    }

    public static Plan plan(GlobalTransaction tx, long nowMs, Set<Integer> inFlightRows) {
        if (tx.status().isFinal()) {
            return Plan.idle(Long.MAX_VALUE);
        }
        long wake = tx.nextAttemptAtMs();
        if (tx.status() == GlobalStatus.SUBMITTED && tx.options().timeoutToFailMs() > 0) {
            long deadline = tx.createTimeMs() + tx.options().timeoutToFailMs();
            if (nowMs >= deadline) {
                // DTM's text
                return new Plan(List.of(), "Timeout after " + tx.options().timeoutToFailMs() / 1000 + " seconds",
                        Long.MAX_VALUE);
            }
            wake = Math.min(wake, deadline);
        }
        if (nowMs < tx.nextAttemptAtMs()) {
            return Plan.idle(wake);
        }
        List<Integer> rows = new ArrayList<>();
        int n = tx.steps().size();
        if (tx.status() == GlobalStatus.SUBMITTED) {
            for (int i = 0; i < n; i++) {
                int row = 2 * i + 1;
                if (tx.action(i).status() == BranchStatus.PREPARED && !tx.action(i).url().isEmpty()
                        && tx.actionReady(i) && !inFlightRows.contains(row)) {
                    rows.add(row);
                }
            }
        } else if (tx.status() == GlobalStatus.ABORTING) {
            for (int i = n - 1; i >= 0; i--) {
                int row = 2 * i;
                if (tx.compensate(i).status() == BranchStatus.PREPARED && !tx.compensate(i).url().isEmpty()
                        && tx.actionStarted(i) && !inFlightRows.contains(row)
                        && Transitions.compensationsDone(tx, tx.compensateAfter(i))) {
                    rows.add(row);
                }
            }
        }
        return new Plan(rows, null, rows.isEmpty() ? wake : Long.MAX_VALUE);
    }
}
