package io.ratchet.node.engine;

import io.ratchet.api.GlobalStatus;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.TwoPhaseTransitions;
import java.util.List;
import java.util.Set;

/**
 * Decides the next call of a TCC or XA transaction. Pure. Prepared: nothing to call, but abort once the prepared
 * timeout has passed. Submitted or aborting: the next due row of the second phase, one at a time.
 */
public final class TwoPhasePlanner {

    private TwoPhasePlanner() {
    }

    public static Plan plan(GlobalTransaction tx, long nowMs, Set<Integer> inFlightRows) {
        if (tx.status().isFinal()) {
            return Plan.idle(Long.MAX_VALUE);
        }
        if (tx.status() == GlobalStatus.PREPARED) {
            long deadline = tx.createTimeMs() + TwoPhaseTransitions.preparedTimeoutMs(tx);
            return nowMs >= deadline
                    ? new Plan(List.of(), "Timeout after " + (deadline - tx.createTimeMs()) / 1000 + " seconds",
                    Long.MAX_VALUE) // DTM's text, with the timeout that applied (DTM prints 0 for its default)
                    : Plan.idle(deadline);
        }
        if (nowMs < tx.nextAttemptAtMs()) {
            return Plan.idle(tx.nextAttemptAtMs());
        }
        int row = TwoPhaseTransitions.nextRow(tx);
        if (row < 0 || inFlightRows.contains(row)) {
            return Plan.idle(Long.MAX_VALUE);
        }
        return new Plan(List.of(row), null, Long.MAX_VALUE);
    }
}
