package io.ratchet.node.model;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.util.ArrayList;
import java.util.List;

/**
 * One global transaction as replicated: what was submitted, its branch rows (PROTOCOL.md §4: per saga step the
 * compensate row, then the action row; ids {@code 01}, {@code 02}, ...) and its retry timing.
 *
 * @param queryPrepared   msg: the back-check URL called when a prepared message times out
 * @param nextAttemptAtMs when the engine should next work on it (DTM's next_cron_time)
 * @param retryIntervalMs the current retry interval: base after a success, doubled after each temporary error
 */
public record GlobalTransaction(
        String gid,
        TransType transType,
        GlobalStatus status,
        List<Step> steps,
        List<String> payloads,
        String customData,
        String queryPrepared,
        TransOptions options,
        List<Branch> branches,
        long createTimeMs,
        long updateTimeMs,
        long finishTimeMs,
        long rollbackTimeMs,
        String rollbackReason,
        long nextAttemptAtMs,
        long retryIntervalMs,
        String result) {

    public GlobalTransaction {
        result = result == null ? "" : result; // absent from images and stores written before it existed
        steps = List.copyOf(steps);
        payloads = List.copyOf(payloads);
        branches = List.copyOf(branches);
        customData = customData == null ? "" : customData;
        queryPrepared = queryPrepared == null ? "" : queryPrepared;
        rollbackReason = rollbackReason == null ? "" : rollbackReason;
    }

    /** A new transaction: no result yet (only a workflow's final submit gives one). */
    public GlobalTransaction(String gid, TransType transType, GlobalStatus status, List<Step> steps,
                             List<String> payloads, String customData, String queryPrepared, TransOptions options,
                             List<Branch> branches, long createTimeMs, long updateTimeMs, long finishTimeMs,
                             long rollbackTimeMs, String rollbackReason, long nextAttemptAtMs, long retryIntervalMs) {
        this(gid, transType, status, steps, payloads, customData, queryPrepared, options, branches, createTimeMs,
                updateTimeMs, finishTimeMs, rollbackTimeMs, rollbackReason, nextAttemptAtMs, retryIntervalMs, "");
    }

    /** The branch id of saga step {@code i} (0-based): {@code 01}, {@code 02}, ... */
    public static String branchId(int step) {
        return String.format("%02d", step + 1);
    }

    public Branch action(int step) {
        return branches.get(2 * step + 1);
    }

    public Branch compensate(int step) {
        return branches.get(2 * step);
    }

    /** The row of {@code branchId}/{@code op}, or -1. */
    public int rowOf(String branchId, BranchOp op) {
        for (int i = 0; i < branches.size(); i++) {
            Branch b = branches.get(i);
            if (b.branchId().equals(branchId) && b.op() == op) {
                return i;
            }
        }
        return -1;
    }

    public GlobalTransaction withBranch(int row, Branch branch) {
        List<Branch> copy = new ArrayList<>(branches);
        copy.set(row, branch);
        return new GlobalTransaction(gid, transType, status, steps, payloads, customData, queryPrepared, options,
                copy, createTimeMs, branch.updateTimeMs(), finishTimeMs, rollbackTimeMs, rollbackReason, nextAttemptAtMs,
                retryIntervalMs, result);
    }

    /** The same transaction with another list of branch rows (a registration or recorded progress). */
    public GlobalTransaction withBranches(List<Branch> rows, long nowMs) {
        return new GlobalTransaction(gid, transType, status, steps, payloads, customData, queryPrepared, options,
                rows, createTimeMs, nowMs, finishTimeMs, rollbackTimeMs, rollbackReason, nextAttemptAtMs,
                retryIntervalMs, result);
    }

    public GlobalTransaction withStatus(GlobalStatus newStatus, long nowMs) {
        return new GlobalTransaction(gid, transType, newStatus, steps, payloads, customData, queryPrepared, options,
                branches, createTimeMs, nowMs, newStatus.isFinal() ? nowMs : finishTimeMs,
                newStatus == GlobalStatus.ABORTING ? nowMs : rollbackTimeMs, rollbackReason, nextAttemptAtMs,
                retryIntervalMs, result);
    }

    public GlobalTransaction withRollbackReason(String reason) {
        return new GlobalTransaction(gid, transType, status, steps, payloads, customData, queryPrepared, options,
                branches, createTimeMs, updateTimeMs, finishTimeMs, rollbackTimeMs, reason, nextAttemptAtMs, retryIntervalMs,
                result);
    }

    /** The same transaction with the application's result (a workflow's req_extra.result). */
    public GlobalTransaction withResult(String newResult) {
        return new GlobalTransaction(gid, transType, status, steps, payloads, customData, queryPrepared, options,
                branches, createTimeMs, updateTimeMs, finishTimeMs, rollbackTimeMs, rollbackReason, nextAttemptAtMs,
                retryIntervalMs, newResult);
    }

    public GlobalTransaction withNextAttempt(long atMs, long intervalMs) {
        return new GlobalTransaction(gid, transType, status, steps, payloads, customData, queryPrepared, options,
                branches, createTimeMs, updateTimeMs, finishTimeMs, rollbackTimeMs, rollbackReason, atMs, intervalMs,
                result);
    }

    /** Whether step {@code i}'s action may have been called: it has an outcome, or it was ready to be called. */
    public boolean actionStarted(int step) {
        return action(step).status() != BranchStatus.PREPARED || action(step).attempts() > 0 || actionReady(step);
    }

    /** Whether every step that step {@code i} waits for has succeeded (sequential: every earlier step). */
    public boolean actionReady(int step) {
        if (options.concurrent()) {
            for (int dep : options.orders().getOrDefault(step, List.of())) {
                if (action(dep).status() != BranchStatus.SUCCEED) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < step; i++) {
            if (action(i).status() != BranchStatus.SUCCEED) {
                return false;
            }
        }
        return true;
    }

    /** Steps whose compensation must run before step {@code i}'s: those that depend on it (or come after it). */
    public List<Integer> compensateAfter(int step) {
        List<Integer> first = new ArrayList<>();
        for (int j = 0; j < steps.size(); j++) {
            boolean dependsOnStep = options.concurrent()
                    ? options.orders().getOrDefault(j, List.of()).contains(step)
                    : j > step;
            if (dependsOnStep) {
                first.add(j);
            }
        }
        return first;
    }
}
