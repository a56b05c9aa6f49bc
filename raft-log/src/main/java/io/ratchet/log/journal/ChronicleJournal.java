package io.ratchet.log.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
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
 */
public final class ChronicleJournal implements Journal {

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);
    static final int HEADER_BYTES = 40;

    private final Path dir;
    private final SingleChronicleQueue queue;
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
        try {
            Files.createDirectories(dir);
            SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(RollCycles.FAST_DAILY)
                    .blockSize(16L << 20)
                    // A document left half-written by a killed process blocks the next writer this long
                    // before Chronicle recovers the header.
                    .timeoutMS(2_000)
                    .build();
            return new ChronicleJournal(dir, queue);
        } catch (IOException | RuntimeException e) {
            throw new JournalException("Cannot open journal in " + dir + ": " + e.getMessage(), e);
        }
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
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (positionHint < 0 || !tailer.moveToIndex(positionHint)) {
                tailer.toStart();
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
                boolean chained = decoded.prevIndex == last || (last == afterIndex && decoded.prevIndex <= afterIndex);
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
        }
        MessageDigest all = sha256();
        inRange.values().forEach(all::update);
        return new JournalDigest(from, to, inRange.size(), first, last, HexFormat.of().formatHex(all.digest()));
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
