package io.ratchet.log.journal;

import java.util.function.Consumer;

/**
 * An append-only record of committed entries.
 *
 * <p>Records form a chain: each stores the index of the record appended before it. {@link #replay} follows the
 * chain and skips what does not belong to it (a checksum failure, a torn write, or records orphaned when the
 * tail after a bad record was re-appended), so what it yields is exactly the entries committed in order.
 *
 * <p>Appends come from one thread (the state machine's apply thread); {@link #replay} is called before the
 * first append; {@link #digest} may be called from any thread.
 */
public interface Journal extends AutoCloseable {

    /** Appends a record after the chain head; {@code record.index()} must be greater than {@link #lastIndex()}. */
    void append(JournalRecord record);

    /** The Raft index of the chain head, or {@code -1} when the chain is empty. */
    long lastIndex();

    /** The journal position of the chain head (a hint for {@link #replay}), or {@code -1}. */
    long lastPosition();

    /**
     * Feeds the consumer every chained record with an index greater than {@code afterIndex}, in order, and
     * makes the last one fed (or {@code afterIndex} when none) the chain head for later appends.
     *
     * @param positionHint a position from {@link #lastPosition()} at or before the first wanted record, or -1
     */
    ReplayResult replay(long afterIndex, long positionHint, Consumer<JournalRecord> consumer);

    /**
     * The digest of the records for indexes {@code from}..{@code to}: for each index, the last intact record written
     * for it (a tail re-appended after a torn or corrupt record replaces what it orphaned, as replay follows it).
     * Reads with its own tailer, so it may run on any thread while appends go on.
     */
    JournalDigest digest(long from, long to);

    /** Forces appended records to the storage device. */
    void sync();

    /** Bytes the journal's files occupy. */
    long bytes();

    @Override
    void close();

    /** What a replay found. */
    record ReplayResult(long replayed, long skippedCorrupt, long skippedUnchained, long lastIndex) {
    }
}
