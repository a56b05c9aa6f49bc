package io.ratchet.node.model;

/** What a branch call's answer means (PROTOCOL.md §4), as reported by the engine. */
public enum BranchResult {
    SUCCESS(1), FAILURE(2), ONGOING(3), ERROR(4);

    /** Stable code in the replicated command; never reuse one. */
    public final int code;

    BranchResult(int code) {
        this.code = code;
    }
}
