package io.ratchet.node.model;

import java.util.List;
import java.util.Map;

/**
 * The per-transaction options that drive the engine, in milliseconds.
 *
 * @param timeoutToFailMs 0: no timeout
 * @param retryLimit      saga: calls of an action without a definite answer after its first, before the abort;
 *                        0: unlimited
 * @param orders          concurrent saga: step index to the step indexes that must succeed first
 */
public record TransOptions(
        boolean waitResult,
        long timeoutToFailMs,
        long retryIntervalMs,
        long requestTimeoutMs,
        Map<String, String> branchHeaders,
        boolean concurrent,
        long retryLimit,
        Map<Integer, List<Integer>> orders) {

    public TransOptions {
        branchHeaders = Map.copyOf(branchHeaders);
        orders = Map.copyOf(orders);
    }
}
