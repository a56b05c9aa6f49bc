package io.ratchet.node.store;

import io.ratchet.node.model.FinishedStore;
import io.ratchet.node.model.FinishedTransaction;
import io.ratchet.node.model.GlobalTransaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The {@link FinishedStore} in an embedded RocksDB, one per member. Every change is one {@code WriteBatch} that also
 * records the applied Raft index and term, written without RocksDB's WAL: the Raft log and the journal are the WAL.
 * So the live database is never trusted after a restart: it is rebuilt from the latest snapshot's checkpoint (hard
 * links, {@link #checkpoint}) and the journal tail, which is also what makes it equal on every member.
 *
 * <p>Keys, in one keyspace, compared as unsigned bytes; numbers are big-endian 64-bit:
 * <pre>
 *   t gid                          -> the FinishedTransaction (JSON)            by gid: query, admin detail
 *   c (MAX_LONG - createTimeMs) gid -> empty                                     newest first, then by gid: all
 *   f finishTimeMs gid             -> createTimeMs                               oldest finish first: retention
 *   m a                            -> applied index, term                        the last change's Raft position
 *   m n                            -> count of stored transactions
 * </pre>
 * Writes come from the apply thread only; reads from any thread. A read lock keeps readers off the database while a
 * restore replaces it.
 */
public final class RocksFinishedStore implements FinishedStore {

    static {
        RocksDB.loadLibrary();
    }

    private static final byte TX = 't';
    private static final byte CREATED = 'c';
    private static final byte FINISHED = 'f';
    private static final byte[] APPLIED = {'m', 'a'};
    private static final byte[] COUNT = {'m', 'n'};
    private static final byte[] EMPTY = new byte[0];

    private final Path dir;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private final LRUCache blockCache = new LRUCache(32L << 20);
    private Options options;
    private RocksDB db;
    private volatile long count;
    private volatile long oldestFinishTimeMs = -1;
    private volatile long appliedIndex = -1;

    private RocksFinishedStore(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens an empty store in {@code dir}, deleting what a previous run left there: its content is rebuilt from a
     * checkpoint ({@link #restore}) and the journal, never trusted as it was.
     */
    public static RocksFinishedStore openEmpty(Path dir) {
        RocksFinishedStore store = new RocksFinishedStore(dir);
        store.reopen(null);
        return store;
    }

    // ---- reads (any thread) ------------------------------------------------------------------------------------

    @Override
    public FinishedTransaction get(String gid) {
        lock.readLock().lock();
        try {
            byte[] value = db.get(txKey(gid));
            return value == null ? null : FinishedTransaction.decode(value);
        } catch (RocksDBException e) {
            throw failure("read " + gid, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long oldestFinishTimeMs() {
        return oldestFinishTimeMs;
    }

    /** The Raft index of the last change (or of the checkpoint restored), or -1 for an empty store. */
    public long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public Cursor newestFirst(long createTimeMs, String gid) {
        lock.readLock().lock();
        try {
            return new NewestFirst(gid == null ? new byte[]{CREATED} : createdKey(createTimeMs, gid), gid != null);
        } catch (RuntimeException e) {
            lock.readLock().unlock();
            throw e;
        }
    }

    /** Iterates the created index under one database snapshot, holding the read lock until closed. */
    private final class NewestFirst implements Cursor {
        private final Snapshot snapshot = db.getSnapshot();
        private final ReadOptions read = new ReadOptions().setSnapshot(snapshot);
        private final RocksIterator it = db.newIterator(read);
        private FinishedTransaction next;
        private boolean closed;

        NewestFirst(byte[] from, boolean exclusive) {
            it.seek(from);
            if (exclusive && it.isValid() && Arrays.equals(it.key(), from)) {
                it.next();
            }
            advance();
        }

        private void advance() {
            next = null;
            while (it.isValid()) {
                byte[] key = it.key();
                if (key.length == 0 || key[0] != CREATED) {
                    return;
                }
                it.next();
                try {
                    byte[] value = db.get(read, txKeyOfIndexed(key));
                    if (value != null) {
                        next = FinishedTransaction.decode(value);
                        return;
                    }
                } catch (RocksDBException e) {
                    throw failure("read the created index", e);
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public FinishedTransaction next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            FinishedTransaction current = next;
            advance();
            return current;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            it.close();
            read.close();
            db.releaseSnapshot(snapshot);
            lock.readLock().unlock();
        }
    }

    /**
     * A digest of the keys and values in [{@code from}, {@code to}) (null: unbounded), read in key order under one
     * database snapshot, with the Raft index of the last change it includes: members whose index is equal must have
     * equal digests.
     */
    public StoreDigest digest(byte[] from, byte[] to) {
        lock.readLock().lock();
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot); RocksIterator it = db.newIterator(read)) {
            byte[] applied = db.get(read, APPLIED);
            MessageDigest sha = sha256();
            long keys = 0;
            if (from == null) {
                it.seekToFirst();
            } else {
                it.seek(from);
            }
            for (; it.isValid(); it.next()) {
                byte[] key = it.key();
                if (to != null && Arrays.compareUnsigned(key, to) >= 0) {
                    break;
                }
                byte[] value = it.value();
                sha.update(ByteBuffer.allocate(4).putInt(key.length).array());
                sha.update(key);
                sha.update(ByteBuffer.allocate(4).putInt(value.length).array());
                sha.update(value);
                keys++;
            }
            ByteBuffer position = applied == null ? null : ByteBuffer.wrap(applied);
            return new StoreDigest(position == null ? -1 : position.getLong(), position == null ? -1 : position.getLong(),
                    keys, HexFormat.of().formatHex(sha.digest()));
        } catch (RocksDBException e) {
            throw failure("digest", e);
        } finally {
            db.releaseSnapshot(snapshot);
            lock.readLock().unlock();
        }
    }

    // ---- writes (the apply thread) -----------------------------------------------------------------------------

    @Override
    public void put(FinishedTransaction finished, FinishedTransaction replaced, long index, long term) {
        GlobalTransaction tx = finished.transaction();
        try (WriteBatch batch = new WriteBatch()) {
            if (replaced != null) {
                // A later command on a finished gid: drop the index keys of the version it replaces.
                GlobalTransaction old = replaced.transaction();
                batch.delete(createdKey(old.createTimeMs(), old.gid()));
                batch.delete(finishedKey(old.finishTimeMs(), old.gid()));
            }
            batch.put(txKey(tx.gid()), finished.encode());
            batch.put(createdKey(tx.createTimeMs(), tx.gid()), EMPTY);
            batch.put(finishedKey(tx.finishTimeMs(), tx.gid()), longs(tx.createTimeMs()));
            commit(batch, replaced == null ? count + 1 : count, index, term);
        } catch (RocksDBException e) {
            throw failure("store " + tx.gid(), e);
        }
        if (oldestFinishTimeMs < 0 || tx.finishTimeMs() < oldestFinishTimeMs) {
            oldestFinishTimeMs = tx.finishTimeMs();
        }
    }

    @Override
    public int expire(long finishedBeforeMs, long maxKept, int maxDeletes, long index, long term) {
        int deleted = 0;
        try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator()) {
            for (it.seek(new byte[]{FINISHED}); it.isValid() && deleted < maxDeletes; it.next()) {
                byte[] key = it.key();
                if (key[0] != FINISHED) {
                    break;
                }
                long finishTimeMs = ByteBuffer.wrap(key, 1, 8).getLong();
                if (finishTimeMs >= finishedBeforeMs && count - deleted <= maxKept) {
                    break;
                }
                String gid = new String(key, 9, key.length - 9, StandardCharsets.UTF_8);
                batch.delete(key);
                batch.delete(txKey(gid));
                batch.delete(createdKey(ByteBuffer.wrap(it.value()).getLong(), gid));
                deleted++;
            }
            commit(batch, count - deleted, index, term);
        } catch (RocksDBException e) {
            throw failure("expire", e);
        }
        oldestFinishTimeMs = readOldestFinishTime();
        return deleted;
    }

    private void commit(WriteBatch batch, long newCount, long index, long term) throws RocksDBException {
        batch.put(COUNT, longs(newCount));
        batch.put(APPLIED, longs(index, term));
        db.write(writeOptions, batch);
        count = newCount;
        appliedIndex = index;
    }

    /**
     * Writes a checkpoint of the store as of {@code index}/{@code term} into {@code target} (which must not exist):
     * the memtable is flushed, then the files are hard-linked, so it costs the flush, not the size of the store.
     */
    public void checkpoint(Path target, long index, long term) {
        try (WriteBatch batch = new WriteBatch(); Checkpoint checkpoint = Checkpoint.create(db)) {
            commit(batch, count, index, term);
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw failure("checkpoint into " + target, e);
        }
    }

    /**
     * Replaces the store with the checkpoint in {@code source} (null: empty), which must be as of {@code index}.
     * The checkpoint's files are linked (immutable tables) or copied into the live directory, so the checkpoint
     * itself stays as it was, ready to be shipped to a follower.
     */
    public void restore(Path source, long index) {
        lock.writeLock().lock();
        try {
            reopen(source);
        } finally {
            lock.writeLock().unlock();
        }
        if (source != null && appliedIndex != index) {
            throw new IllegalStateException("Expected the finished store's checkpoint in " + source + " to be as of"
                    + " index " + index + ", but it is as of " + appliedIndex);
        }
    }

    private void reopen(Path source) {
        closeDb();
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            if (source != null) {
                try (Stream<Path> files = Files.list(source)) {
                    for (Path file : files.sorted().toList()) {
                        String name = file.getFileName().toString();
                        if (name.endsWith(".md5")) {
                            continue; // written beside each file by Ratis when it installs a snapshot
                        }
                        if (name.endsWith(".sst")) {
                            Files.createLink(dir.resolve(name), file);
                        } else {
                            Files.copy(file, dir.resolve(name));
                        }
                    }
                }
            }
            options = new Options()
                    .setCreateIfMissing(true)
                    // Nothing of the live database is kept across a restart, so nothing is flushed at close either.
                    .setAvoidFlushDuringShutdown(true)
                    .setWriteBufferSize(16L << 20)
                    .setMaxWriteBufferNumber(3)
                    .setMaxBackgroundJobs(2)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(2)
                    .setTableFormatConfig(new BlockBasedTableConfig()
                            .setBlockCache(blockCache)
                            .setFilterPolicy(new BloomFilter(10, false)));
            db = RocksDB.open(options, dir.toString());
            byte[] storedCount = db.get(COUNT);
            byte[] applied = db.get(APPLIED);
            count = storedCount == null ? 0 : ByteBuffer.wrap(storedCount).getLong();
            appliedIndex = applied == null ? -1 : ByteBuffer.wrap(applied).getLong();
            oldestFinishTimeMs = readOldestFinishTime();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the finished store in " + dir + ": " + e.getMessage(), e);
        } catch (RocksDBException e) {
            throw failure("open " + dir, e);
        }
    }

    private long readOldestFinishTime() {
        try (RocksIterator it = db.newIterator()) {
            it.seek(new byte[]{FINISHED});
            return it.isValid() && it.key()[0] == FINISHED ? ByteBuffer.wrap(it.key(), 1, 8).getLong() : -1;
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closeDb();
            writeOptions.close();
            blockCache.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void closeDb() {
        if (db != null) {
            db.close();
            db = null;
        }
        if (options != null) {
            options.close();
            options = null;
        }
    }

    // ---- keys --------------------------------------------------------------------------------------------------

    private static byte[] txKey(String gid) {
        byte[] g = gid.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + g.length).put(TX).put(g).array();
    }

    private static byte[] createdKey(long createTimeMs, String gid) {
        byte[] g = gid.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(9 + g.length).put(CREATED).putLong(Long.MAX_VALUE - createTimeMs).put(g).array();
    }

    private static byte[] finishedKey(long finishTimeMs, String gid) {
        byte[] g = gid.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(9 + g.length).put(FINISHED).putLong(finishTimeMs).put(g).array();
    }

    private static byte[] txKeyOfIndexed(byte[] createdKey) {
        byte[] key = new byte[createdKey.length - 8];
        key[0] = TX;
        System.arraycopy(createdKey, 9, key, 1, createdKey.length - 9);
        return key;
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static IllegalStateException failure(String what, RocksDBException e) {
        return new IllegalStateException("The finished store failed to " + what + ": " + e.getMessage(), e);
    }
}
