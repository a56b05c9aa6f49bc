package io.ratchet.log;

/**
 * A point-in-time view of one member.
 *
 * @param leaderId      the id of the member this one believes is leader, or {@code null} when it knows none
 * @param journalBytes  bytes the Chronicle journal occupies on disk
 * @param snapshotIndex the Raft index covered by the latest local snapshot, or -1
 * @param logStartIndex the first index still in the Ratis log (entries before it were purged after a snapshot)
 * @param storageFault  why the journal cannot take writes (the member then applies and acknowledges nothing until
 *                      it can), or {@code null} when it can
 */
public record MemberStatus(
        String id,
        Role role,
        String leaderId,
        long term,
        long commitIndex,
        long appliedIndex,
        long journalBytes,
        long snapshotIndex,
        long logStartIndex,
        String storageFault) {
}
