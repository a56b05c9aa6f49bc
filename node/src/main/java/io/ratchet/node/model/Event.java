package io.ratchet.node.model;

import io.ratchet.api.BranchOp;

/** What applying a command derived (not replicated): the engine and the waiting requests react to these. */
public sealed interface Event {

    String gid();

    record Submitted(String gid) implements Event {
    }

    record BranchSucceeded(String gid, String branchId, BranchOp op) implements Event {
    }

    record BranchFailed(String gid, String branchId, BranchOp op, String reason) implements Event {
    }

    /** No definite answer (ONGOING or a temporary error): tried again at {@code nextAttemptAtMs}. */
    record BranchRetrying(String gid, String branchId, BranchOp op, BranchResult result, int attempts,
                          long nextAttemptAtMs, String message) implements Event {
    }

    record Aborting(String gid, String reason) implements Event {
    }

    /** Made due now (resetNextCronTime). */
    record Rescheduled(String gid) implements Event {
    }

    record Succeeded(String gid) implements Event {
    }

    record Failed(String gid) implements Event {
    }
}
