package io.ratchet.node.model;

/** Stable codes of the commands in the log. Never reuse or renumber one: old logs and snapshots hold them. */
public enum CommandType {
    SUBMIT(1, Command.Submit.class),
    REPORT_BRANCH(2, Command.ReportBranch.class),
    ABORT(3, Command.Abort.class),
    PREPARE(4, Command.Prepare.class),
    REGISTER_BRANCH(5, Command.RegisterBranch.class),
    FORCE_STOP(6, Command.ForceStop.class),
    RESET_NEXT_ATTEMPT(7, Command.ResetNextAttempt.class),
    PREPARE_MESSAGE(8, Command.PrepareMessage.class),
    SUBSCRIBE(9, Command.Subscribe.class),
    UNSUBSCRIBE(10, Command.Unsubscribe.class),
    DELETE_TOPIC(11, Command.DeleteTopic.class),
    PREPARE_WORKFLOW(12, Command.PrepareWorkflow.class),
    RECORD_PROGRESS(13, Command.RecordProgress.class),
    FINISH_WORKFLOW(14, Command.FinishWorkflow.class),
    EXPIRE_FINISHED(15, Command.ExpireFinished.class);

    public final int code;
    public final Class<? extends Command> recordClass;

    CommandType(int code, Class<? extends Command> recordClass) {
        this.code = code;
        this.recordClass = recordClass;
    }

    public static CommandType ofCode(int code) {
        for (CommandType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("Expected a known command type code, but got " + code);
    }
}
