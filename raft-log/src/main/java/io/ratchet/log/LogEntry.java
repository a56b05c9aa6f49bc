package io.ratchet.log;

/**
 * One committed command as the {@link LogApplier} sees it.
 *
 * @param index       the Raft index of the entry that carried the command (several commands share an entry)
 * @param term        the Raft term of that entry
 * @param timestampMs wall-clock time stamped once by the leader that created the entry; the same on every
 *                    member and never decreasing along the log, so it is the only clock an applier may read
 * @param slot        the position of the command within its entry, from 0
 * @param payload     the command bytes exactly as submitted; the array must not be modified
 */
public record LogEntry(long index, long term, long timestampMs, int slot, byte[] payload) {
}
