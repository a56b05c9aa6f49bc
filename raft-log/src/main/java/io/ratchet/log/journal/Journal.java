package io.ratchet.log.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * An append-only record of committed entries.
 *
 * <p>Records form a chain: each stores the index of the record appended before it. {@link #replay} follows the
 * chain and skips what does not belong to it (a checksum failure, a torn write, or records orphaned when the
 * tail after a bad record was re-appended), so what it yields is exactly the entries committed in order.
 *
 * <p>Appends come from one thread (the state machine's apply thread); {@link #replay} is called before the
 * first append, and {@link #purgeCycles} between appends, on that thread; {@link #digest} may be called from any
 * thread.
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

    /**
     * Deletes the oldest files of the journal that nothing needs any more, and returns what it deleted. A file
     * holds one roll cycle (five minutes; a day in a journal created before retention existed). From the oldest
     * on, a cycle is deleted while both hold:
     * <ul>
     *   <li>every record in it has an index at or below {@code coveredIndex}, and</li>
     *   <li>it ended (its start plus the cycle length, by the journal's clock) at or before
     *       {@code olderThanEpochMs}.</li>
     * </ul>
     * The first cycle that fails either test, and every later one, is kept: what remains is one unbroken tail of
     * the chain, starting at or before the record after {@code coveredIndex}. The cycle holding the chain head
     * ({@link #lastIndex()}), the newest file and the cycle of the current time are never deleted, so appends
     * go on undisturbed. A purge with nothing to delete deletes nothing.
     *
     * <p>Contract:
     * <ul>
     *   <li>{@code coveredIndex} must be covered by every snapshot a restart may load (the oldest one kept, not
     *       only the newest): {@link #replay} after a snapshot needs every record after its index. Records at or
     *       below it are gone afterwards, so {@link #replay} after an older index starts at the first record
     *       still held, and {@link #digest} counts only what is held ({@link JournalDigest#firstIndex()}).</li>
     *   <li>Called on the appending thread, between appends, after {@link #replay}.</li>
     *   <li>Does not wait: while a {@link #digest} (or a replay) is reading, it deletes nothing and returns at
     *       once; a later call purges.</li>
     *   <li>Never throws for a file it cannot delete: it keeps that file and every later one, logs a warning and
     *       returns what it did delete.</li>
     * </ul>
     * Logs one INFO line when it deleted something.
     */
    Purged purgeCycles(long coveredIndex, long olderThanEpochMs);

    /** Forces appended records to the storage device. */
    void sync();

    /** Bytes the journal's files occupy. */
    long bytes();

    @Override
    void close();

    /** What a replay found. */
    record ReplayResult(long replayed, long skippedCorrupt, long skippedUnchained, long lastIndex) {
    }

    /**
     * What {@link #purgeCycles} deleted.
     *
     * @param files      the files deleted, oldest first; empty when nothing was
     * @param bytes      their size
     * @param firstIndex the index of the first record the journal still holds, or -1 when it holds none
     */
    record Purged(List<Path> files, long bytes, long firstIndex) {
        public Purged {
            files = List.copyOf(files);
        }
    }
}
