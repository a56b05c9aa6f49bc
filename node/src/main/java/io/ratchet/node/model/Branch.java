package io.ratchet.node.model;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;

/**
 * One branch row: a call the coordinator makes (or an empty URL, which counts as done at once).
 *
 * @param attempts calls that got no definite answer so far (replicated, so a new leader keeps counting)
 */
public record Branch(
        String branchId,
        BranchOp op,
        String url,
        String payload,
        BranchStatus status,
        int attempts,
        long createTimeMs,
        long updateTimeMs,
        long finishTimeMs) {

    public Branch withStatus(BranchStatus newStatus, long nowMs) {
        return new Branch(branchId, op, url, payload, newStatus, attempts, createTimeMs, nowMs,
                newStatus == BranchStatus.PREPARED ? finishTimeMs : nowMs);
    }

    public Branch withAttempt(long nowMs) {
        return new Branch(branchId, op, url, payload, status, attempts + 1, createTimeMs, nowMs, finishTimeMs);
    }
}
