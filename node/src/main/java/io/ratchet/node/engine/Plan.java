package io.ratchet.node.engine;

import java.util.List;

/**
 * What a planner decided for one transaction: the rows to call now (or abort from its current status, with a
 * reason), and when to look again if nothing happens before.
 */
public record Plan(List<Integer> callRows, String abortReason, long wakeAtMs) {

    public Plan {
        callRows = List.copyOf(callRows);
    }

    static Plan idle(long wakeAtMs) {
        return new Plan(List.of(), null, wakeAtMs);
    }
}
