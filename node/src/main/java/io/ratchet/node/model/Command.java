package io.ratchet.node.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.util.List;

/**
 * What is replicated: imperative changes to one global transaction. Each has a stable {@link CommandType} code in
 * the log; outcomes of branch calls carry the status they expect to move from, so a late report from a deposed
 * leader is rejected as stale instead of applied.
 */
public sealed interface Command {

    String gid();

    CommandType type();

    /** Creates a transaction and its branch rows, status submitted. */
    record Submit(String gid, TransType transType, List<Step> steps, List<String> payloads, String customData,
                  TransOptions options) implements Command {
        public Submit {
            steps = List.copyOf(steps);
            payloads = List.copyOf(payloads);
        }

        @Override
        public CommandType type() {
            return CommandType.SUBMIT;
        }
    }

    /**
     * The answer of one branch call, read by {@code BranchResponses}; applied only if the row still has
     * {@code expected}. {@code caller} (the node that made the call) and {@code durationMs} only inform the
     * timeline; they are left out of the encoding when unset, so older entries read back unchanged.
     */
    record ReportBranch(String gid, String branchId, BranchOp op, BranchStatus expected, BranchResult result,
                        String message,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String caller,
                        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long durationMs) implements Command {

        public ReportBranch(String gid, String branchId, BranchOp op, BranchStatus expected, BranchResult result,
                            String message) {
            this(gid, branchId, op, expected, result, message, null, 0);
        }

        @Override
        public CommandType type() {
            return CommandType.REPORT_BRANCH;
        }
    }

    /** Creates a two-phase transaction (tcc, xa) in status prepared; branches are registered afterwards. */
    record Prepare(String gid, TransType transType, String customData, TransOptions options) implements Command {
        @Override
        public CommandType type() {
            return CommandType.PREPARE;
        }
    }

    /**
     * Registers one branch of a prepared two-phase transaction: its phase-two URLs by op (tcc: confirm and cancel;
     * xa: commit and rollback) and the payload they are called with.
     */
    record RegisterBranch(String gid, String branchId, String payload, String doUrl, String undoUrl)
            implements Command {
        @Override
        public CommandType type() {
            return CommandType.REGISTER_BRANCH;
        }
    }

    /**
     * Prepares a two-phase message: its actions are stored but not called until it is submitted, or until the
     * back-check at {@code queryPrepared} says the local transaction committed.
     */
    record PrepareMessage(String gid, List<Step> steps, List<String> payloads, String customData, String queryPrepared,
                          TransOptions options) implements Command {
        public PrepareMessage {
            steps = List.copyOf(steps);
            payloads = List.copyOf(payloads);
        }

        @Override
        public CommandType type() {
            return CommandType.PREPARE_MESSAGE;
        }
    }

    /**
     * Creates a workflow in status prepared: the application drives it and records its progress; Ratchet calls
     * {@code resumeUrl} while it stays unfinished past its timeout.
     */
    record PrepareWorkflow(String gid, String customData, String resumeUrl, TransOptions options) implements Command {
        @Override
        public CommandType type() {
            return CommandType.PREPARE_WORKFLOW;
        }
    }

    /** Records one step of a workflow's progress as the application reports it (registerBranch with op/status). */
    record RecordProgress(String gid, String branchId, BranchOp op, BranchStatus status, String payload)
            implements Command {
        @Override
        public CommandType type() {
            return CommandType.RECORD_PROGRESS;
        }
    }

    /**
     * The application's final word on a workflow (submit with req_extra): succeed or failed, with a reason and the
     * workflow's result, which query returns (absent from entries written before it existed: "").
     */
    record FinishWorkflow(String gid, GlobalStatus status, String reason,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) String result) implements Command {
        public FinishWorkflow {
            result = result == null ? "" : result;
        }

        @Override
        public CommandType type() {
            return CommandType.FINISH_WORKFLOW;
        }
    }

    /** A change of the msg topics, which touches no transaction ({@link #gid()} is empty). */
    sealed interface TopicCommand extends Command {
        String topic();

        @Override
        default String gid() {
            return "";
        }
    }

    /** Adds a subscriber to a topic, creating the topic. */
    record Subscribe(String topic, String url, String remark) implements TopicCommand {
        @Override
        public CommandType type() {
            return CommandType.SUBSCRIBE;
        }
    }

    /** Removes a subscriber; a topic left with none is gone. */
    record Unsubscribe(String topic, String url) implements TopicCommand {
        @Override
        public CommandType type() {
            return CommandType.UNSUBSCRIBE;
        }
    }

    /** Removes a topic and all its subscribers. */
    record DeleteTopic(String topic) implements TopicCommand {
        @Override
        public CommandType type() {
            return CommandType.DELETE_TOPIC;
        }
    }

    /** Ends a transaction as failed at once, without compensating (forceStop). */
    record ForceStop(String gid) implements Command {
        @Override
        public CommandType type() {
            return CommandType.FORCE_STOP;
        }
    }

    /** Makes an unfinished transaction due now (resetNextCronTime). */
    record ResetNextAttempt(String gid) implements Command {
        @Override
        public CommandType type() {
            return CommandType.RESET_NEXT_ATTEMPT;
        }
    }

    /** Moves a transaction from {@code expected} to aborting (a timeout on the leader, or the application's abort). */
    record Abort(String gid, GlobalStatus expected, String reason) implements Command {
        @Override
        public CommandType type() {
            return CommandType.ABORT;
        }
    }

    /**
     * Retention: deletes the finished transactions that finished more than {@code retainMs} before this entry's
     * time, then the oldest beyond {@code maxFinished}, at most {@code maxDeletes} per command so that one apply stays
     * short. The leader proposes it now and then; the limits travel in the command, so every member deletes the same
     * transactions even if their configurations differ. Touches no single transaction ({@link #gid()} is empty).
     */
    record ExpireFinished(long retainMs, long maxFinished, int maxDeletes) implements Command {
        @Override
        public String gid() {
            return "";
        }

        @Override
        public CommandType type() {
            return CommandType.EXPIRE_FINISHED;
        }
    }
}
