package io.ratchet.log.snapshot;

/**
 * What a snapshot covers.
 *
 * @param term            Raft term of the last applied entry included
 * @param index           Raft index of the last applied entry included
 * @param timestampMs     the leader timestamp of that entry (members keep timestamps monotonic across it)
 * @param journalIndex    the journal's chain head when the snapshot was taken
 * @param journalPosition the journal position of that head: where replay may start on the member that wrote it
 */
public record SnapshotManifest(long term, long index, long timestampMs, long journalIndex, long journalPosition) {
}
