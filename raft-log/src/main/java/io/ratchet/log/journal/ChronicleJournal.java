package io.ratchet.log.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Journal} kept in a Chronicle Queue directory, one document per record:
 *
 * <pre>
 *   0        4          12        20         28             36            40
 *   +--------+----------+---------+----------+--------------+-------------+-----------------+
 *   | crc32c | index    | term    | prevIndex| timestampMs  | payloadLen  | payload ...     |
 *   | int32  | int64    | int64   | int64    | int64        | int32       | payloadLen bytes|
 *   +--------+----------+---------+----------+--------------+-------------+-----------------+
 * </pre>
 *
 * The checksum covers bytes 4 to the end. {@code prevIndex} is the index of the chain head when the record was
 * appended, which lets {@link #replay} tell a re-appended entry from an orphan after a bad record.
 *
 * <p>Appends are not synced one by one (that caps at a few thousand per second, STACK.md §2): an append survives
 * the process being killed (page cache), and {@link #sync()} is called before a snapshot relies on the journal.
 * What a power loss takes from the tail, Ratis re-feeds from its own fsynced log.
 *
 * <p>The queue rolls to a new file every {@link #ROLL_CYCLE five minutes}, so that {@link #purgeCycles} can give
 * disk back in small steps once a snapshot covers the records.
 */
public final class ChronicleJournal implements Journal {

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);
    static final int HEADER_BYTES = 40;
    /**
     * The shortest cycle Chronicle offers: a retention of a few minutes can then be honoured to within five, and
     * what a purge leaves beyond the retention is at most one cycle's records. Its 2^30 records per cycle are far
     * more than five minutes of Raft entries, and a roll (one new file) every five minutes costs nothing measurable.
     * A queue created with another cycle (FAST_DAILY before retention existed) keeps it: Chronicle reads the cycle
     * from the queue's metadata, so such a journal is purged a day at a time.
     */
    static final RollCycle ROLL_CYCLE = RollCycles.FIVE_MINUTELY;

    private final Path dir;
    private final SingleChronicleQueue queue;
    // Read by replay and digest; taken (without waiting) by purgeCycles, so no tailer walks into a deleted file.
    private final ReadWriteLock files = new ReentrantReadWriteLock();
    private ExcerptAppender appender;
    private Thread appenderThread;
    private long headIndex = -1;
    private long headPosition = -1;

    private ChronicleJournal(Path dir, SingleChronicleQueue queue) {
        this.dir = dir;
        this.queue = queue;
    }

    /** Opens (or creates) the journal in {@code dir}. */
    public static ChronicleJournal open(Path dir) {
        return open(dir, ROLL_CYCLE, SystemTimeProvider.INSTANCE);
    }

    /**
     * Test hook: a journal whose cycles follow {@code clock}, created with {@code rollCycle} if it is new (an
     * existing queue keeps the cycle it was created with).
     */
    static ChronicleJournal open(Path dir, RollCycle rollCycle, TimeProvider clock) {
        try {
            Files.createDirectories(dir);
            NeverBackwards time = new NeverBackwards(clock);
            SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(rollCycle)
                    .timeProvider(time)
                    .blockSize(16L << 20)
                    // A document left half-written by a killed process blocks the next writer this long
                    // before Chronicle recovers the header.
                    .timeoutMS(2_000)
                    .build();
            if (queue.lastCycle() >= 0) {
                // A clock behind the newest file after a restart would make Chronicle start an older cycle,
                // which tailers read before the records that were appended earlier.
                time.notBefore(cycleStartMs(queue, queue.lastCycle()));
            }
            return new ChronicleJournal(dir, queue);
        } catch (IOException | RuntimeException e) {
            throw new JournalException("Cannot open journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Chronicle's clock, held still while the wall clock steps back. Chronicle appends to the cycle of the current
     * time: after a step back across a cycle boundary it tries to write the cycle it already closed and every
     * append fails (WriteAfterEOFException) until the clock passes the boundary again. A five-minute cycle makes
     * that boundary frequent. Appends made while the clock is held go to the newest cycle, where they belong.
     */
    private static final class NeverBackwards implements TimeProvider {
        private final TimeProvider clock;
        private final AtomicLong latestMs = new AtomicLong(Long.MIN_VALUE);

        NeverBackwards(TimeProvider clock) {
            this.clock = clock;
        }

        void notBefore(long epochMs) {
            latestMs.accumulateAndGet(epochMs, Math::max);
        }

        @Override
        public long currentTimeMillis() {
            return latestMs.accumulateAndGet(clock.currentTimeMillis(), Math::max);
        }
    }

    private static long cycleStartMs(SingleChronicleQueue queue, int cycle) {
        return (long) cycle * queue.rollCycle().lengthInMillis() + queue.epoch();
    }

    @Override
    public void append(JournalRecord record) {
        if (record.index() <= headIndex) {
            throw new IllegalArgumentException("Expected journal index > " + headIndex + ", but was " + record.index());
        }
        ExcerptAppender out = appender();
        byte[] payload = record.payload();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.putInt(0)
                .putLong(record.index())
                .putLong(record.term())
                .putLong(headIndex)
                .putLong(record.timestampMs())
                .putInt(payload.length);
        header.putInt(0, checksum(header.array(), payload));
        try (DocumentContext dc = out.writingDocument()) {
            Bytes<?> bytes = dc.wire().bytes();
            bytes.write(header.array());
            bytes.write(payload);
        } catch (RuntimeException e) {
            throw new JournalException("Cannot append index " + record.index() + " to journal " + dir, e);
        }
        headIndex = record.index();
        headPosition = out.lastIndexAppended();
    }

    /** Test hook: appends raw bytes as one document, as a crash or a bad disk could leave them. */
    void appendRaw(byte[] document) {
        try (DocumentContext dc = appender().writingDocument()) {
            dc.wire().bytes().write(document);
        }
    }

    private ExcerptAppender appender() {
        // Chronicle appenders are confined to one thread; the state machine's apply thread may be replaced
        // when Ratis reloads, so follow it.
        if (appender == null || appenderThread != Thread.currentThread()) {
            if (appender != null) {
                appender.singleThreadedCheckReset();
            }
            appender = appender == null ? queue.createAppender() : appender;
            appenderThread = Thread.currentThread();
        }
        return appender;
    }

    @Override
    public long lastIndex() {
        return headIndex;
    }

    @Override
    public long lastPosition() {
        return headPosition;
    }

    @Override
    public ReplayResult replay(long afterIndex, long positionHint, Consumer<JournalRecord> consumer) {
        long last = afterIndex;
        long lastPosition = -1;
        // The chain head if nothing after afterIndex is found: the newest good record at or before it. Using
        // afterIndex itself would break the chain when it names an entry that was never journaled (a Raft
        // configuration or no-op entry, or a snapshot installed from the leader).
        long coveredHead = -1;
        long coveredPosition = -1;
        long replayed = 0;
        long corrupt = 0;
        long unchained = 0;
        // The index before the first record still held when older cycles were purged, else -1: the first record
        // after it is where the chain now starts.
        long purgedThrough = -1;
        files.readLock().lock();
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (positionHint < 0 || !tailer.moveToIndex(positionHint)) {
                tailer.toStart();
                purgedThrough = purgedThrough(afterIndex);
            }
            while (true) {
                Decoded decoded;
                long position;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    position = dc.index();
                    decoded = decode(dc.wire().bytes());
                }
                if (decoded.record == null) {
                    corrupt++;
                    LOG.warn("Journal {}: skipping a corrupt record at position {}: {}", dir, Long.toHexString(position),
                            decoded.problem);
                    continue;
                }
                JournalRecord record = decoded.record;
                if (record.index() <= afterIndex) {
                    if (record.index() > coveredHead) {
                        coveredHead = record.index();
                        coveredPosition = position;
                    }
                    continue;
                }
                boolean chained = decoded.prevIndex == last
                        || (last == afterIndex && decoded.prevIndex <= Math.max(afterIndex, purgedThrough));
                if (record.index() <= last || !chained) {
                    unchained++;
                    continue;
                }
                consumer.accept(record);
                replayed++;
                last = record.index();
                lastPosition = position;
            }
        } catch (RuntimeException e) {
            // A torn document at the very end (the writer was killed mid-append) can make Chronicle fail here;
            // everything before it has been read, and Ratis re-feeds whatever is missing.
            LOG.warn("Journal {}: stopped reading at a damaged document: {}", dir, e.toString());
        } finally {
            files.readLock().unlock();
        }
        if (purgedThrough > afterIndex) {
            LOG.warn("Journal {}: asked to replay after index {}, but the records up to {} were purged; replayed from {}",
                    dir, afterIndex, purgedThrough, purgedThrough + 1);
        }
        boolean found = replayed > 0;
        headIndex = found ? last : coveredHead;
        headPosition = found ? lastPosition : coveredPosition;
        if (corrupt > 0 || unchained > 0) {
            LOG.warn("Journal {}: replayed {} records after index {}; skipped {} corrupt and {} unchained",
                    dir, replayed, afterIndex, corrupt, unchained);
        }
        return new ReplayResult(replayed, corrupt, unchained, headIndex);
    }

    @Override
    public JournalDigest digest(long from, long to) {
        TreeMap<Long, byte[]> inRange = new TreeMap<>();
        long first = -1;
        long last = -1;
        files.readLock().lock();
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            while (true) {
                JournalRecord record;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    record = decode(dc.wire().bytes()).record;
                }
                if (record == null) {
                    continue;
                }
                first = first < 0 ? record.index() : Math.min(first, record.index());
                last = Math.max(last, record.index());
                if (record.index() >= from && record.index() <= to) {
                    inRange.put(record.index(), recordHash(record)); // a later write of an index replaces an orphan
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Journal {}: digest stopped reading at a damaged document: {}", dir, e.toString());
        } finally {
            files.readLock().unlock();
        }
        MessageDigest all = sha256();
        inRange.values().forEach(all::update);
        return new JournalDigest(from, to, inRange.size(), first, last, HexFormat.of().formatHex(all.digest()));
    }

    /**
     * The predecessor of the oldest record still held, when older cycles were purged (its own {@code prevIndex}
     * then names a record that is gone), or -1. Only needed when that is above {@code afterIndex}; then it is the
     * lowest {@code prevIndex} in the first cycle, not the first record's, in case that record is an orphan
     * written after a corrupt one and the re-appended entries follow it.
     */
    private long purgedThrough(long afterIndex) {
        RollCycle rollCycle = queue.rollCycle();
        long lowest = Long.MAX_VALUE;
        int firstCycle = -1;
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            while (true) {
                Decoded decoded;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    int cycle = rollCycle.toCycle(dc.index());
                    if (firstCycle >= 0 && cycle != firstCycle) {
                        break;
                    }
                    firstCycle = cycle;
                    decoded = decode(dc.wire().bytes());
                }
                if (decoded.record == null) {
                    continue;
                }
                if (lowest == Long.MAX_VALUE && decoded.prevIndex <= afterIndex) {
                    return -1;
                }
                lowest = Math.min(lowest, decoded.prevIndex);
            }
        } catch (RuntimeException e) {
            LOG.warn("Journal {}: stopped reading the first cycle at a damaged document: {}", dir, e.toString());
        }
        return lowest == Long.MAX_VALUE ? -1 : lowest;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A cycle's end is computed from its number (cycle start + cycle length, by the journal's clock), not
     * taken from the file's modification time, which moves whenever Chronicle flushes a mapping and says
     * nothing about which records the file holds.
     */
    @Override
    public Purged purgeCycles(long coveredIndex, long olderThanEpochMs) {
        if (!files.writeLock().tryLock()) {
            return new Purged(List.of(), 0, firstIndex());
        }
        try {
            List<Path> deleted = new ArrayList<>();
            long bytes = 0;
            for (int cycle : purgeableCycles(coveredIndex, olderThanEpochMs)) {
                SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
                if (store == null) {
                    continue;
                }
                Path file = store.file().toPath();
                queue.closeStore(store); // released: this process maps it no more
                try {
                    long size = Files.size(file);
                    Files.delete(file);
                    deleted.add(file);
                    bytes += size;
                } catch (IOException e) {
                    LOG.warn("Journal {}: cannot delete {} ({}); a later purge tries again", dir, file, e.toString());
                    break;
                }
            }
            if (deleted.isEmpty()) {
                return new Purged(List.of(), 0, firstIndex());
            }
            queue.refreshDirectoryListing();
            long first = firstIndex();
            LOG.info("Journal {}: deleted {} cycle files ({} bytes) covered by index {} and ended before {}; "
                    + "the journal now starts at index {}", dir, deleted.size(), bytes, coveredIndex,
                    Instant.ofEpochMilli(olderThanEpochMs), first);
            return new Purged(deleted, bytes, first);
        } finally {
            files.writeLock().unlock();
        }
    }

    /**
     * The oldest cycles, in order, up to the first one that is not old enough, holds a record after
     * {@code coveredIndex}, or is one that appends still need: the chain head's, the newest file's, and the
     * current one. Only a prefix, so what remains is one unbroken tail of the chain.
     */
    private List<Integer> purgeableCycles(long coveredIndex, long olderThanEpochMs) {
        queue.refreshDirectoryListing();
        int first = queue.firstCycle();
        int last = queue.lastCycle();
        if (first > last) {
            return List.of(); // no files
        }
        RollCycle rollCycle = queue.rollCycle();
        int keepFrom = Math.min(last, queue.cycle());
        if (headPosition >= 0) {
            keepFrom = Math.min(keepFrom, rollCycle.toCycle(headPosition));
        }
        List<Integer> purgeable = new ArrayList<>();
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (long c : queue.listCyclesBetween(first, last)) {
                int cycle = (int) c;
                if (cycle >= keepFrom || cycleStartMs(queue, cycle) + rollCycle.lengthInMillis() > olderThanEpochMs
                        || !allCovered(tailer, cycle, coveredIndex)) {
                    break;
                }
                purgeable.add(cycle);
            }
        } catch (RuntimeException e) {
            // A document Chronicle cannot read: its cycle and every later one are kept.
            LOG.warn("Journal {}: purge stopped reading at a damaged document: {}", dir, e.toString());
        }
        return purgeable;
    }

    /** Whether every intact record of {@code cycle} has an index at or below {@code coveredIndex}. */
    private boolean allCovered(ExcerptTailer tailer, int cycle, long coveredIndex) {
        if (!tailer.moveToCycle(cycle)) {
            return true; // a file without records
        }
        RollCycle rollCycle = queue.rollCycle();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || rollCycle.toCycle(dc.index()) != cycle) {
                    return true;
                }
                // Corrupt records are never replayed: their entries were appended again after them.
                JournalRecord record = decode(dc.wire().bytes()).record;
                if (record != null && record.index() > coveredIndex) {
                    return false;
                }
            }
        }
    }

    /** The index of the first intact record the journal holds, or -1. */
    private long firstIndex() {
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return -1;
                    }
                    JournalRecord record = decode(dc.wire().bytes()).record;
                    if (record != null) {
                        return record.index();
                    }
                }
            }
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static byte[] recordHash(JournalRecord record) {
        MessageDigest d = sha256();
        d.update(ByteBuffer.allocate(28).putLong(record.index()).putLong(record.term()).putLong(record.timestampMs())
                .putInt(record.payload().length).array());
        d.update(record.payload());
        return d.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private record Decoded(JournalRecord record, long prevIndex, String problem) {
    }

    private static Decoded decode(Bytes<?> bytes) {
        long remaining = bytes.readRemaining();
        if (remaining < HEADER_BYTES) {
            return new Decoded(null, -1, "expected at least " + HEADER_BYTES + " bytes, but found " + remaining);
        }
        byte[] header = new byte[HEADER_BYTES];
        bytes.read(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        int crc = h.getInt();
        long index = h.getLong();
        long term = h.getLong();
        long prevIndex = h.getLong();
        long timestampMs = h.getLong();
        int length = h.getInt();
        if (length != remaining - HEADER_BYTES) {
            return new Decoded(null, -1, "expected payload of " + (remaining - HEADER_BYTES) + " bytes, but header says "
                    + length);
        }
        byte[] payload = new byte[length];
        bytes.read(payload);
        if (checksum(header, payload) != crc) {
            return new Decoded(null, -1, "checksum mismatch for index " + index);
        }
        return new Decoded(new JournalRecord(index, term, timestampMs, payload), prevIndex, null);
    }

    private static int checksum(byte[] header, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(header, 4, HEADER_BYTES - 4);
        crc.update(payload);
        return (int) crc.getValue();
    }

    @Override
    public void sync() {
        if (appender != null) {
            appender.sync();
        }
    }

    @Override
    public long bytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".cq4")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (appender != null) {
            appender.singleThreadedCheckReset();
            appender.close();
        }
        queue.close();
    }
}
