package io.ratchet.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.util.ArrayList;
import java.util.List;

/**
 * The transitions of two-phase messages (msg): a message is submitted at once, or prepared and then submitted by
 * the application or by a SUCCESS of the back-check ({@code query_prepared}, branch 00, op msg) once it has been
 * prepared longer than its timeout. Submitted messages call their actions in order (or all at once when
 * concurrent), after {@code custom_data.delay}; an action's FAILURE is retried: messages must be delivered. Pure.
 */
public final class MsgTransitions {

    /** The branch id and op of the back-check call. */
    public static final String BACK_CHECK_ID = "00";

    private MsgTransitions() {
    }

    /** The back-check call of a prepared message, as a branch the engine can call. */
    public static Branch backCheck(GlobalTransaction tx) {
        return new Branch(BACK_CHECK_ID, BranchOp.MSG, tx.queryPrepared(), "", BranchStatus.PREPARED, 0,
                tx.createTimeMs(), tx.updateTimeMs(), 0);
    }

    /** When a prepared message is due for its back-check. */
    public static long backCheckDueMs(GlobalTransaction tx) {
        return tx.createTimeMs() + TwoPhaseTransitions.preparedTimeoutMs(tx);
    }

    static Outcome prepare(GlobalTransaction before, Command.PrepareMessage c, long nowMs, Topics topics) {
        if (before != null) {
            if (before.status() == GlobalStatus.PREPARED && before.transType() == TransType.MSG) {
                return new Outcome.Accepted(before, List.of()); // a repeated prepare
            }
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected message '" + c.gid()
                    + "' to be new or prepared, but it is " + before.status().wireName());
        }
        String unknown = unknownTopic(c.steps(), topics);
        if (unknown != null) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "No topic '" + unknown + "' to send message '" + c.gid()
                    + "' to");
        }
        GlobalTransaction created = new GlobalTransaction(c.gid(), TransType.MSG, GlobalStatus.PREPARED, c.steps(),
                c.payloads(), c.customData(), c.queryPrepared(), c.options(), rows(c.steps(), c.payloads(), nowMs, topics),
                nowMs, nowMs, 0, 0, "", 0, c.options().retryIntervalMs());
        GlobalTransaction scheduled = created.withNextAttempt(backCheckDueMs(created), c.options().retryIntervalMs());
        return new Outcome.Accepted(scheduled, List.of());
    }

    static Outcome submit(GlobalTransaction before, Command.Submit c, long nowMs, Topics topics) {
        List<Event> events = new ArrayList<>();
        events.add(new Event.Submitted(c.gid()));
        long delayMs = delayMs(c.customData());
        if (before == null) {
            String unknown = unknownTopic(c.steps(), topics);
            if (unknown != null) {
                return Outcome.rejected(Rejection.Kind.CONFLICT, "No topic '" + unknown + "' to send message '"
                        + c.gid() + "' to");
            }
            GlobalTransaction created = new GlobalTransaction(c.gid(), TransType.MSG, GlobalStatus.SUBMITTED, c.steps(),
                    c.payloads(), c.customData(), "", c.options(), rows(c.steps(), c.payloads(), nowMs, topics), nowMs, nowMs,
                    0, 0, "", nowMs + delayMs, c.options().retryIntervalMs());
            return new Outcome.Accepted(settle(created, nowMs, events), events);
        }
        if (before.status() == GlobalStatus.SUBMITTED) {
            return new Outcome.Accepted(before, List.of());
        }
        if (before.status() != GlobalStatus.PREPARED || before.transType() != TransType.MSG) {
            return Outcome.rejected(Rejection.Kind.CONFLICT, "Expected message '" + c.gid()
                    + "' to be new, prepared or submitted, but it is " + before.status().wireName());
        }
        return new Outcome.Accepted(release(before, nowMs, events), events);
    }

    /** prepared → submitted: the stored actions become due after the delay. */
    private static GlobalTransaction release(GlobalTransaction tx, long nowMs, List<Event> events) {
        GlobalTransaction after = tx.withStatus(GlobalStatus.SUBMITTED, nowMs)
                .withNextAttempt(nowMs + delayMs(tx.customData()), tx.options().retryIntervalMs());
        return settle(after, nowMs, events);
    }

    static Outcome report(GlobalTransaction before, Command.ReportBranch c, long nowMs) {
        if (c.branchId().equals(BACK_CHECK_ID) && c.op() == BranchOp.MSG) {
            return backChecked(before, c, nowMs);
        }
        int row = before.rowOf(c.branchId(), BranchOp.ACTION);
        if (row < 0 || c.op() != BranchOp.ACTION || before.status() != GlobalStatus.SUBMITTED
                || c.expected() != BranchStatus.PREPARED || before.branches().get(row).status() != BranchStatus.PREPARED
                || !due(before, row)) {
            return Outcome.rejected(Rejection.Kind.STALE, "Expected action " + c.branchId() + " of message '" + c.gid()
                    + "' to be due while submitted, but the message is " + before.status().wireName());
        }
        Branch branch = before.branches().get(row);
        List<Event> events = new ArrayList<>();
        GlobalTransaction after;
        if (c.result() == BranchResult.SUCCESS) {
            after = before.withBranch(row, branch.withStatus(BranchStatus.SUCCEED, nowMs))
                    .withNextAttempt(nowMs, before.options().retryIntervalMs());
            events.add(new Event.BranchSucceeded(c.gid(), c.branchId(), BranchOp.ACTION));
        } else {
            after = retry(before.withBranch(row, branch.withAttempt(nowMs)), c, branch.attempts() + 1, nowMs, events);
        }
        return new Outcome.Accepted(settle(after, nowMs, events), events);
    }

    private static Outcome backChecked(GlobalTransaction before, Command.ReportBranch c, long nowMs) {
        if (before.status() != GlobalStatus.PREPARED || before.transType() != TransType.MSG) {
            return Outcome.rejected(Rejection.Kind.STALE, "Expected message '" + c.gid()
                    + "' to be prepared for its back-check, but it is " + before.status().wireName());
        }
        List<Event> events = new ArrayList<>();
        GlobalTransaction after;
        switch (c.result()) {
            case SUCCESS -> after = release(before, nowMs, events);
            case FAILURE -> {
                after = before.withRollbackReason("back-check: " + c.message()).withStatus(GlobalStatus.FAILED, nowMs);
                events.add(new Event.Failed(c.gid()));
            }
            default -> after = retry(before, c, 0, nowMs, events);
        }
        if (c.result() == BranchResult.SUCCESS) {
            events.add(0, new Event.Submitted(c.gid()));
        }
        return new Outcome.Accepted(after, events);
    }

    private static GlobalTransaction retry(GlobalTransaction tx, Command.ReportBranch c, int attempts, long nowMs,
                                           List<Event> events) {
        BranchResult result = c.result() == BranchResult.ONGOING ? BranchResult.ONGOING : BranchResult.ERROR;
        return Transitions.scheduleRetry(tx, c, result, attempts, nowMs, events);
    }

    /** Whether an action row may be called: concurrent messages call all at once, others in order. */
    public static boolean due(GlobalTransaction tx, int row) {
        if (tx.options().concurrent()) {
            return true;
        }
        for (int i = 0; i < row; i++) {
            if (tx.branches().get(i).status() != BranchStatus.SUCCEED) {
                return false;
            }
        }
        return true;
    }

    static GlobalTransaction settle(GlobalTransaction tx, long nowMs, List<Event> events) {
        if (tx.status() != GlobalStatus.SUBMITTED) {
            return tx;
        }
        for (int row = 0; row < tx.branches().size(); row++) {
            Branch b = tx.branches().get(row);
            if (b.status() == BranchStatus.PREPARED && b.url().isEmpty() && due(tx, row)) {
                tx = tx.withBranch(row, b.withStatus(BranchStatus.SUCCEED, nowMs));
                events.add(new Event.BranchSucceeded(tx.gid(), b.branchId(), BranchOp.ACTION));
            }
        }
        if (tx.branches().stream().allMatch(b -> b.status() == BranchStatus.SUCCEED)) {
            events.add(new Event.Succeeded(tx.gid()));
            return tx.withStatus(GlobalStatus.SUCCEED, nowMs);
        }
        return tx;
    }

    /** The scheme of a step that fans out to a topic's subscribers. */
    public static final String TOPIC_SCHEME = "topic://";

    /**
     * One action row per step; a {@code topic://name} step fans out to one row per subscriber at the time the
     * message is stored, with ids {@code 01-01}, {@code 01-02}, ...
     */
    private static List<Branch> rows(List<Step> steps, List<String> payloads, long nowMs, Topics topics) {
        List<Branch> rows = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            String action = steps.get(i).action();
            String payload = i < payloads.size() ? payloads.get(i) : "";
            if (action.startsWith(TOPIC_SCHEME)) {
                List<Topics.Subscriber> subscribers = topics.subscribers(action.substring(TOPIC_SCHEME.length()));
                for (int j = 0; j < subscribers.size(); j++) {
                    rows.add(new Branch(GlobalTransaction.branchId(i) + "-" + GlobalTransaction.branchId(j),
                            BranchOp.ACTION, subscribers.get(j).url(), payload, BranchStatus.PREPARED, 0, nowMs, nowMs, 0));
                }
            } else {
                rows.add(new Branch(GlobalTransaction.branchId(i), BranchOp.ACTION, action, payload,
                        BranchStatus.PREPARED, 0, nowMs, nowMs, 0));
            }
        }
        return rows;
    }

    private static String unknownTopic(List<Step> steps, Topics topics) {
        for (Step step : steps) {
            if (step.action().startsWith(TOPIC_SCHEME)) {
                String name = step.action().substring(TOPIC_SCHEME.length());
                if (topics.subscribers(name).isEmpty()) {
                    return name;
                }
            }
        }
        return null;
    }

    /** {@code custom_data.delay} in ms; validated at the edge, so anything unreadable here counts as none. */
    static long delayMs(String customData) {
        if (customData == null || customData.isBlank()) {
            return 0;
        }
        try {
            JsonNode node = CommandCodec.JSON.readTree(customData);
            return Math.max(0, node.path("delay").asLong(0)) * 1000;
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
