package io.ratchet.node.model;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.util.ArrayList;
import java.util.List;

/**
 * The transitions of workflows: the application drives a workflow and Ratchet only keeps its record — created
 * prepared, progress rows recorded as the application reports them, ended by the application's final status.
 * While it stays unfinished past its timeout, Ratchet calls the application's resume URL (branch 00, op = the
 * workflow's name) and keeps calling it, backing off, until the application finishes it. Pure.
 */
public final class WorkflowTransitions {

    /** The branch id of the resume call. */
    public static final String RESUME_ID = "00";

    private WorkflowTransitions() {
    }

    /** When an unfinished workflow is first due for a resume call. */
    public static long resumeDueMs(GlobalTransaction tx) {
        return tx.createTimeMs() + TwoPhaseTransitions.preparedTimeoutMs(tx);
    }

    static Outcome prepare(GlobalTransaction before, Command.PrepareWorkflow c, long nowMs) {
        if (before != null) {
            if (before.transType() == TransType.WORKFLOW) {
                return new Outcome.Accepted(before, List.of()); // a restarted application asks for its progress
            }
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Transaction '" + c.gid() + "' exists and is a "
                    + before.transType().wireName() + ", not a workflow");
        }
        GlobalTransaction created = new GlobalTransaction(c.gid(), TransType.WORKFLOW, GlobalStatus.PREPARED,
                List.of(), List.of(), c.customData(), c.resumeUrl(), c.options(), List.of(), nowMs, nowMs, 0, 0, "", 0,
                c.options().retryIntervalMs());
        return new Outcome.Accepted(created.withNextAttempt(resumeDueMs(created), c.options().retryIntervalMs()),
                List.of());
    }

    static Outcome record(GlobalTransaction before, Command.RecordProgress c, long nowMs) {
        if (before == null || before.transType() != TransType.WORKFLOW) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "No workflow '" + c.gid() + "'");
        }
        if (before.status() != GlobalStatus.PREPARED) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected workflow '" + c.gid()
                    + "' to be unfinished to record progress, but it is " + before.status().wireName());
        }
        int row = before.rowOf(c.branchId(), c.op());
        Branch recorded = new Branch(c.branchId(), c.op(), "", c.payload(), c.status(), 0,
                row < 0 ? nowMs : before.branches().get(row).createTimeMs(), nowMs,
                c.status() == BranchStatus.PREPARED ? 0 : nowMs);
        if (row >= 0) {
            return new Outcome.Accepted(before.withBranch(row, recorded), List.of());
        }
        List<Branch> rows = new ArrayList<>(before.branches());
        rows.add(recorded);
        return new Outcome.Accepted(before.withBranches(rows, nowMs), List.of());
    }

    static Outcome finish(GlobalTransaction before, Command.FinishWorkflow c, long nowMs) {
        if (before == null || before.transType() != TransType.WORKFLOW) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "No workflow '" + c.gid() + "'");
        }
        if (before.status() == c.status()) {
            return new Outcome.Accepted(before, List.of());
        }
        if (before.status() != GlobalStatus.PREPARED || !c.status().isFinal()) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected workflow '" + c.gid() + "' to be unfinished"
                    + " and a final status, but it is " + before.status().wireName() + " and the request says "
                    + c.status().wireName());
        }
        Event ended = c.status() == GlobalStatus.SUCCEED ? new Event.Succeeded(c.gid()) : new Event.Failed(c.gid());
        return new Outcome.Accepted(before.withRollbackReason(c.reason()).withResult(c.result())
                .withStatus(c.status(), nowMs), List.of(ended));
    }

    /** The answer of a resume call: the workflow stays unfinished; call again after the (backed-off) interval. */
    static Outcome resumed(GlobalTransaction before, Command.ReportBranch c, long nowMs) {
        if (before.status() != GlobalStatus.PREPARED || !c.branchId().equals(RESUME_ID)) {
            return Outcome.rejected(Rejection.Kind.STALE, "Expected workflow '" + c.gid()
                    + "' to be unfinished for a resume call, but it is " + before.status().wireName());
        }
        List<Event> events = new ArrayList<>();
        if (c.result() == BranchResult.SUCCESS) {
            return new Outcome.Accepted(before.withNextAttempt(nowMs + before.options().retryIntervalMs(),
                    before.options().retryIntervalMs()), events);
        }
        BranchResult result = c.result() == BranchResult.ONGOING ? BranchResult.ONGOING : BranchResult.ERROR;
        return new Outcome.Accepted(Transitions.scheduleRetry(before, c, result, 0, nowMs, events), events);
    }

    /** The workflow's name, sent as the op of the resume call. */
    public static String name(GlobalTransaction tx) {
        try {
            String name = CommandCodec.JSON.readTree(tx.customData()).path("name").asText("");
            return name.isEmpty() ? "workflow" : name;
        } catch (java.io.IOException | RuntimeException e) {
            return "workflow";
        }
    }

    /**
     * The resume call of an unfinished workflow, as a branch the engine can call. As in DTM its body is the
     * workflow's data, {@code custom_data.data} decoded from base64 (Go's encoding of bytes in JSON); a POST when
     * there is data, a GET when there is none.
     */
    public static Branch resume(GlobalTransaction tx) {
        return new Branch(RESUME_ID, BranchOp.ACTION, tx.queryPrepared(), data(tx.customData()), BranchStatus.PREPARED,
                0, tx.createTimeMs(), tx.updateTimeMs(), 0);
    }

    /** The workflow's data in custom_data, decoded; "" when there is none or it is not base64 (refused at prepare). */
    public static String data(String customData) {
        try {
            String encoded = CommandCodec.JSON.readTree(customData).path("data").asText("");
            return new String(java.util.Base64.getDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }
}
