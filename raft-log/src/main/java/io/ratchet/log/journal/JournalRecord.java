package io.ratchet.log.journal;

/**
 * One committed Raft entry as journaled.
 *
 * @param index       Raft index
 * @param term        Raft term
 * @param timestampMs the leader's timestamp of the entry
 * @param payload     the entry's data exactly as replicated (a batch frame of commands)
 */
public record JournalRecord(long index, long term, long timestampMs, byte[] payload) {
}
