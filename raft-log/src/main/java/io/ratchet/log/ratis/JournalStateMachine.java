package io.ratchet.log.ratis;

import io.ratchet.log.LogApplier;
import io.ratchet.log.LogEntry;
import io.ratchet.log.Role;
import io.ratchet.log.RoleListener;
import io.ratchet.log.journal.ChronicleJournal;
import io.ratchet.log.journal.Journal;
import io.ratchet.log.journal.JournalDigest;
import io.ratchet.log.journal.JournalRecord;
import io.ratchet.log.snapshot.SnapshotManifest;
import io.ratchet.log.snapshot.SnapshotStore;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine: appends every committed entry to the Chronicle {@link Journal} before applying its
 * commands to the {@link LogApplier} and acknowledging them; snapshots the applier with the journal position;
 * on start restores the latest snapshot and replays the journal tail.
 *
 * <p>Ratis calls {@code applyTransaction}, {@code takeSnapshot} and {@code reinitialize} on its single
 * state-machine updater thread, which is the one thread the applier contract promises.
 */
final class JournalStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(JournalStateMachine.class);
    private static final Message EMPTY = Message.valueOf(ByteString.EMPTY);

    private final String memberId;
    private final LogApplier applier;
    private final Path journalDir;
    private final long minFreeBytes;
    private final long journalRetentionMs;
    private final int snapshotsRetained;
    private final java.util.function.Consumer<String> onDiskFault;
    private final Runnable onDiskClear;
    private DiskGuard diskGuard;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final List<RoleListener> listeners = new CopyOnWriteArrayList<>();
    /** Futures waiting for this member to apply an index; guarded by itself. */
    private final TreeMap<Long, List<CompletableFuture<Void>>> appliedWaiters = new TreeMap<>();

    private volatile Journal journal;
    /** The leader timestamp of the last applied entry: applied timestamps never go backwards. */
    private volatile long lastTimestampMs;
    /** The latest snapshot on disk; raised by the writer thread and by restores, never lowered. */
    private final AtomicLong snapshotIndex = new AtomicLong(-1);
    /** The snapshot being written, if any; set and cleared on the apply thread. */
    private volatile SnapshotWrite writing;
    private final ExecutorService snapshotWriter;
    private RoleEvent lastRoleEvent;
    private volatile ListedSnapshot listed;
    /** Refreshed on the apply thread now and then, so status() never touches the disk. */
    private volatile long journalBytes;
    private long appliesSinceSizeCheck;

    /**
     * @param onDiskFault told when the journal stops taking writes (see {@link DiskGuard}), with why
     * @param onDiskClear told when it takes them again
     */
    JournalStateMachine(String memberId, LogApplier applier, Path journalDir, long minFreeBytes,
                        int snapshotsRetained, Duration journalRetention,
                        java.util.function.Consumer<String> onDiskFault, Runnable onDiskClear) {
        this.memberId = memberId;
        this.journalRetentionMs = journalRetention.toMillis();
        this.snapshotsRetained = Math.max(1, snapshotsRetained);
        this.applier = Objects.requireNonNull(applier, "applier");
        this.journalDir = journalDir;
        this.minFreeBytes = minFreeBytes;
        this.onDiskFault = onDiskFault;
        this.onDiskClear = onDiskClear;
        this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, memberId + "-snapshot-writer");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            journal = ChronicleJournal.open(journalDir);
            diskGuard = new DiskGuard(journalDir, minFreeBytes, onDiskFault, onDiskClear);
            recover();
        });
    }

    /** Restores the latest snapshot, then replays the journal's chained records after it. */
    private void recover() throws IOException {
        long started = System.nanoTime();
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        // Files of a snapshot whose write a crash interrupted, or of one Ratis has deleted since.
        SnapshotFiles.deleteOlder(snapshotDir(), snapshotsRetained);
        long afterIndex = -1;
        long positionHint = -1;
        if (snapshot != null) {
            SnapshotManifest manifest = restoreSnapshot(snapshot);
            afterIndex = manifest.index();
            positionHint = manifest.journalPosition();
        }
        Journal.ReplayResult result = journal.replay(afterIndex, positionHint, this::applyReplayed);
        journalBytes = journal.bytes();
        LOG.info("{}: recovered to index {} (snapshot {}, {} journal records replayed) in {} ms", memberId,
                lastAppliedIndex(), afterIndex, result.replayed(), (System.nanoTime() - started) / 1_000_000);
    }

    private SnapshotManifest restoreSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
        SnapshotStore.Loaded loaded = SnapshotStore.read(snapshot.getFile().getPath());
        SnapshotManifest manifest = loaded.manifest();
        Path files = SnapshotFiles.of(snapshot.getFile().getPath());
        applier.restore(loaded.imageStream(), Files.isDirectory(files) ? files : null);
        setLastAppliedTermIndex(TermIndex.valueOf(manifest.term(), manifest.index()));
        lastTimestampMs = manifest.timestampMs();
        snapshotIndex.accumulateAndGet(manifest.index(), Math::max);
        return manifest;
    }

    private void applyReplayed(JournalRecord record) {
        JournalReplay.apply(record, applier);
        lastTimestampMs = record.timestampMs();
        setLastAppliedTermIndex(TermIndex.valueOf(record.term(), record.index()));
    }

    @Override
    public void pause() {
        // Ratis pauses before each install-snapshot request it takes, and a snapshot of several files (or one larger
        // than a chunk) takes several: only the first one pauses.
        if (getLifeCycleState() != LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** Called by Ratis after it installed a snapshot from the leader into the storage directory. */
    @Override
    public void reinitialize() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot != null && snapshot.getIndex() > lastAppliedIndex()) {
            LOG.info("{}: installing snapshot at index {} (applied was {})", memberId, snapshot.getIndex(),
                    lastAppliedIndex());
            restoreSnapshot(snapshot);
            completeWaiters(snapshot.getIndex());
        }
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public void close() {
        // A write in progress is abandoned: its temporary file is never renamed into place.
        snapshotWriter.shutdownNow();
        Journal j = journal;
        if (j != null) {
            j.close();
        }
        synchronized (appliedWaiters) {
            appliedWaiters.values().forEach(list -> list.forEach(f -> f.completeExceptionally(
                    new io.ratchet.log.LogException.Fatal("The log member is closed", null))));
            appliedWaiters.clear();
        }
    }

    // ---- the write path --------------------------------------------------------------------------------------

    /** On the leader: stamps the entry with the leader's clock, once, so every member applies the same time. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        byte[] stamped;
        try {
            stamped = BatchFrame.stamp(request.getMessage().getContent().toByteArray(), System.currentTimeMillis());
            // Refuse a malformed entry here, on the leader: once committed it would fail on every member.
            BatchFrame.decodeEntry(stamped);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                .setLogData(UnsafeByteOperations.unsafeWrap(stamped))
                .build();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto proto = trx.getLogEntry();
        long index = proto.getIndex();
        if (index <= lastAppliedIndex()) {
            // Ratis re-feeds its log from the snapshot index on restart; the journal replay already applied these.
            return CompletableFuture.completedFuture(EMPTY);
        }
        byte[] data = proto.getStateMachineLogEntry().getLogData().toByteArray();
        BatchFrame.Entry entry = BatchFrame.decodeEntry(data);
        // A new leader's clock may be behind its predecessor's: clamp, deterministically, so time never goes back.
        long timestampMs = Math.max(entry.timestampMs(), lastTimestampMs);
        JournalRecord record = new JournalRecord(index, proto.getTerm(), timestampMs, data);
        diskGuard.append(() -> journal.append(record));
        List<byte[]> commands = entry.commands();
        List<byte[]> replies = new ArrayList<>(commands.size());
        for (int slot = 0; slot < commands.size(); slot++) {
            byte[] reply = applier.apply(new LogEntry(index, proto.getTerm(), timestampMs, slot, commands.get(slot)));
            replies.add(reply == null ? new byte[0] : reply);
        }
        lastTimestampMs = timestampMs;
        if (++appliesSinceSizeCheck >= 1024 || journalBytes == 0) {
            appliesSinceSizeCheck = 0;
            journalBytes = journal.bytes();
        }
        updateLastAppliedTermIndex(proto.getTerm(), index);
        completeWaiters(index);
        return CompletableFuture.completedFuture(Message.valueOf(
                UnsafeByteOperations.unsafeWrap(BatchFrame.encodeReplies(replies))));
    }

    /** Configuration and no-op entries: no commands, but they move the applied index. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        if (index > lastAppliedIndex()) {
            updateLastAppliedTermIndex(term, index);
            completeWaiters(index);
        }
    }

    long lastAppliedIndex() {
        TermIndex applied = getLastAppliedTermIndex();
        return applied == null ? RaftLog.INVALID_LOG_INDEX : applied.getIndex();
    }

    /** Completes when this member has applied {@code index}. */
    CompletableFuture<Void> awaitApplied(long index) {
        if (lastAppliedIndex() >= index) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (appliedWaiters) {
            appliedWaiters.computeIfAbsent(index, i -> new ArrayList<>()).add(future);
        }
        if (lastAppliedIndex() >= index) {
            completeWaiters(lastAppliedIndex());
        }
        return future;
    }

    private void completeWaiters(long applied) {
        List<CompletableFuture<Void>> due = new ArrayList<>();
        synchronized (appliedWaiters) {
            if (appliedWaiters.isEmpty()) {
                return;
            }
            Map<Long, List<CompletableFuture<Void>>> head = appliedWaiters.headMap(applied, true);
            head.values().forEach(due::addAll);
            head.clear();
        }
        due.forEach(f -> f.complete(null));
    }

    // ---- reads and snapshots ---------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            byte[] answer = applier.query(request.getContent().toByteArray());
            return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(answer)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /**
     * The latest snapshot as Ratis ships it to a member that installs it: the image file and, when the applier made
     * any, every file of its directory (listed once per snapshot: a published snapshot never changes).
     */
    @Override
    public SnapshotInfo getLatestSnapshot() {
        SingleFileSnapshotInfo single = storage.getLatestSnapshot();
        if (single == null) {
            return null;
        }
        ListedSnapshot cached = listed;
        if (cached == null || cached.single() != single) {
            cached = new ListedSnapshot(single, SnapshotFiles.withFiles(single));
            listed = cached;
        }
        return cached.info();
    }

    /** The state machine directory of Ratis's storage, where snapshots are. */
    private Path snapshotDir() {
        return storage.getSnapshotFile(0, 0).toPath().getParent();
    }

    private record ListedSnapshot(SingleFileSnapshotInfo single, SnapshotInfo info) {
    }

    /**
     * Called by Ratis on the apply thread once the threshold of entries since the last snapshot is crossed (then
     * again after every batch of applies while it is), and on request. Captures the applier's image and the
     * journal position (cheap) and hands the writing (slow: the whole image) to the snapshot writer thread, which
     * publishes the snapshot once it is on disk; meanwhile this answers with the latest published snapshot. Ratis
     * purges its log only up to the index answered, so what it purges is always covered by a snapshot on disk, and
     * applying never stops for a write.
     */
    @Override
    public long takeSnapshot() throws IOException {
        SnapshotWrite pending = writing;
        if (pending != null) {
            if (!pending.done().isDone()) {
                return snapshotIndex.get();
            }
            writing = null;
            if (pending.done().isCompletedExceptionally()) {
                // Nothing is purged past the last good snapshot; the next call tries again.
                throw new IOException("Writing the snapshot at index " + pending.index() + " failed",
                        pending.done().handle((v, e) -> e.getCause()).join());
            }
            purgeJournal();
            return snapshotIndex.get();
        }
        TermIndex applied = getLastAppliedTermIndex();
        if (applied == null || applied.getIndex() <= snapshotIndex.get()) {
            return snapshotIndex.get();
        }
        long started = System.nanoTime();
        // The snapshot's manifest points into the journal: what it points at must be on disk first.
        journal.sync();
        long syncedMs = (System.nanoTime() - started) / 1_000_000;
        SnapshotManifest manifest = new SnapshotManifest(applied.getTerm(), applied.getIndex(), lastTimestampMs,
                journal.lastIndex(), journal.lastPosition());
        File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
        Path files = SnapshotFiles.of(file.toPath());
        SnapshotFiles.delete(files); // left by an attempt at the same index that a crash interrupted
        LogApplier.Image image = applier.captureSnapshot(files);
        long capturedMs = (System.nanoTime() - started) / 1_000_000 - syncedMs;
        writing = new SnapshotWrite(applied.getIndex(), CompletableFuture.runAsync(() -> {
            try {
                SnapshotFiles.sync(files);
                SnapshotStore.write(file.toPath(), manifest, image);
                storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(),
                        MD5FileUtil.computeAndSaveMd5ForFile(file)), applied));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            snapshotIndex.accumulateAndGet(applied.getIndex(), Math::max);
            try {
                SnapshotFiles.deleteOlder(files.getParent(), snapshotsRetained);
            } catch (IOException e) {
                LOG.warn("{}: cannot delete the files of older snapshots: {}", memberId, e.toString());
            }
            LOG.info("{}: snapshot at index {} written in {} ms (applying paused {} ms for the journal sync, {} ms"
                    + " for the capture)", memberId, applied.getIndex(), (System.nanoTime() - started) / 1_000_000,
                    syncedMs, capturedMs);
        }, snapshotWriter));
        return snapshotIndex.get();
    }

    /**
     * Deletes the journal cycles that every snapshot still on disk covers (a restart loads one of them and replays
     * what follows it) and that are older than the retention. On the apply thread, between appends, as the journal
     * requires; the journal skips the purge if a digest is reading.
     */
    private void purgeJournal() {
        OptionalLong covered;
        try {
            covered = SnapshotFiles.oldestSnapshotIndex(snapshotDir());
        } catch (IOException e) {
            LOG.warn("{}: cannot list the snapshots, so the journal is not purged: {}", memberId, e.toString());
            return;
        }
        if (covered.isPresent()) {
            journal.purgeCycles(covered.getAsLong(), System.currentTimeMillis() - journalRetentionMs);
        }
    }

    /** A snapshot being written off the apply thread. */
    private record SnapshotWrite(long index, CompletableFuture<Void> done) {
    }

    /** Completes when no snapshot is being written (at once when none is). */
    CompletableFuture<Void> snapshotWriteDone() {
        SnapshotWrite pending = writing;
        return pending == null ? CompletableFuture.completedFuture(null)
                : pending.done().handle((v, error) -> null);
    }

    long snapshotIndex() {
        return snapshotIndex.get();
    }

    long journalBytes() {
        return journalBytes;
    }

    // ---- role events -----------------------------------------------------------------------------------------

    /** Registers a listener and tells it the latest role event at once, so a late listener misses nothing. */
    void addRoleListener(RoleListener listener) {
        RoleEvent last;
        synchronized (listeners) {
            listeners.add(listener);
            last = lastRoleEvent;
        }
        if (last != null) {
            listener.onRoleChange(last.role(), last.leaderId(), last.term());
        }
    }

    private record RoleEvent(Role role, String leaderId, long term) {
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        if (newLeaderId != null && newLeaderId.toString().equals(memberId)) {
            return; // reported as LEADER by notifyLeaderReady, once the new leader has caught up
        }
        Role role = newLeaderId == null ? Role.CANDIDATE : Role.FOLLOWER;
        fire(role, newLeaderId == null ? null : newLeaderId.toString());
    }

    @Override
    public void notifyLeaderReady() {
        RaftServer.Division division = division();
        if (division == null) {
            return;
        }
        long term = division.getInfo().getCurrentTerm();
        long committed = division.getRaftLog().getLastCommittedIndex();
        awaitApplied(committed).thenRun(() -> {
            RaftServer.Division now = division();
            if (now != null && now.getInfo().isLeader() && now.getInfo().getCurrentTerm() == term) {
                fire(Role.LEADER, memberId);
            }
        });
    }

    private void fire(Role role, String leaderId) {
        RaftServer.Division division = division();
        long term = division == null ? 0 : division.getInfo().getCurrentTerm();
        LOG.info("{}: role {} (leader {}, term {})", memberId, role, leaderId, term);
        List<RoleListener> current;
        synchronized (listeners) {
            lastRoleEvent = new RoleEvent(role, leaderId, term);
            current = List.copyOf(listeners);
        }
        for (RoleListener listener : current) {
            try {
                listener.onRoleChange(role, leaderId, term);
            } catch (RuntimeException e) {
                LOG.error("{}: role listener failed", memberId, e);
            }
        }
    }

    RaftServer.Division division() {
        try {
            CompletableFuture<RaftServer> server = getServer();
            return server.isDone() ? server.join().getDivision(getGroupId()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    JournalDigest journalDigest(long from, long to) {
        Journal j = journal;
        if (j == null) {
            throw new IllegalStateException("The journal is not open yet");
        }
        return j.digest(from, to);
    }

    /** Reads the journal disk's free space now, raising or clearing a low-space fault (called every so often). */
    void watchDisk() {
        DiskGuard guard = diskGuard;
        if (guard != null) {
            guard.watch();
        }
    }

    /** Why the journal cannot take writes now, or null. */
    String storageFault() {
        DiskGuard guard = diskGuard;
        return guard == null ? null : guard.fault();
    }
}
