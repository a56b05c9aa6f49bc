package io.ratchet.log.journal;

/**
 * A fingerprint of the records a journal holds for Raft indexes {@code from}..{@code to}, to compare members.
 *
 * @param records    how many records fell in the range (Raft indexes of configuration and no-op entries are never
 *                   journaled, so a range has gaps)
 * @param firstIndex the lowest index the journal holds at all, or -1 when empty: a member that installed a snapshot
 *                   from the leader holds nothing below it, nor does one whose older cycles were purged
 *                   ({@link Journal#purgeCycles}); {@code records} and {@code sha256} cover only what is held, so
 *                   only ranges from here on can be compared
 * @param lastIndex  the highest index the journal holds, or -1
 * @param sha256     hex SHA-256 over each record's index, term, timestamp and payload, in index order
 */
public record JournalDigest(long from, long to, long records, long firstIndex, long lastIndex, String sha256) {
}
