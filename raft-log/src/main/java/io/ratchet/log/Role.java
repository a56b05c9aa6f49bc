package io.ratchet.log;

/** The Raft role of a member, as reported in {@link MemberStatus} and to {@link RoleListener}s. */
public enum Role {
    LEADER,
    FOLLOWER,
    CANDIDATE,
    /** Starting, closed, or a role Ratchet does not use (listener). */
    UNKNOWN;

    /** The lower-case name used in JSON status documents. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
