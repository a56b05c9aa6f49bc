package io.ratchet.node;

import io.ratchet.log.LogApplier;
import io.ratchet.log.LogEntry;
import io.ratchet.node.metrics.NodeMetrics;
import io.ratchet.node.model.ApplyListener;
import io.ratchet.node.model.ApplyReply;
import io.ratchet.node.model.Command;
import io.ratchet.node.model.CommandCodec;
import io.ratchet.node.model.Outcome;
import io.ratchet.node.model.TimelineEntry;
import io.ratchet.node.model.Topics;
import io.ratchet.node.model.TransactionStore;
import io.ratchet.node.model.Transitions;
import io.ratchet.node.store.RocksFinishedStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's state machine: decodes each committed command, applies it with {@link Transitions}, keeps the store
 * (unfinished transactions in the heap, finished ones in the {@link RocksFinishedStore}), and snapshots both.
 */
final class NodeApplier implements LogApplier {

    private static final Logger LOG = LoggerFactory.getLogger(NodeApplier.class);
    /**
     * 2: the image holds the heap part and the Raft position of the finished store's checkpoint, which is in the
     * snapshot's files; 1: the whole store in the image (finished transactions too); 0: no transactions.
     */
    private static final int IMAGE_VERSION = 2;

    private final TransactionStore store;
    private final RocksFinishedStore finished;
    private final NodeMetrics metrics;
    private final List<ApplyListener> listeners = new CopyOnWriteArrayList<>();
    /** The position of the last command applied; apply thread only. */
    private long lastIndex = -1;
    private long lastTerm = -1;

    NodeApplier(TransactionStore store, RocksFinishedStore finished, NodeMetrics metrics) {
        this.store = store;
        this.finished = finished;
        this.metrics = metrics;
    }

    void addListener(ApplyListener listener) {
        listeners.add(listener);
    }

    @Override
    public byte[] apply(LogEntry entry) {
        long started = System.nanoTime();
        byte[] reply = decodeAndApply(entry);
        metrics.applied(System.nanoTime() - started);
        return reply;
    }

    private byte[] decodeAndApply(LogEntry entry) {
        lastIndex = entry.index();
        lastTerm = entry.term();
        Command command;
        try {
            command = CommandCodec.decode(entry.payload());
        } catch (IllegalArgumentException e) {
            LOG.warn("Refusing an undecodable command at index {}: {}", entry.index(), e.getMessage());
            return ApplyReply.refused(e.getMessage()).encode();
        }
        if (command instanceof Command.TopicCommand topicCommand) {
            Topics.TopicOutcome changed = Topics.apply(store.topics(), topicCommand);
            store.setTopics(changed.after());
            return (changed.refusal() == null ? new ApplyReply(true, null, null, null)
                    : ApplyReply.refused(changed.refusal())).encode();
        }
        if (command instanceof Command.ExpireFinished expire) {
            int deleted = store.expire(entry.timestampMs() - expire.retainMs(), expire.maxFinished(),
                    expire.maxDeletes(), entry.index(), entry.term());
            metrics.expired(deleted);
            return ApplyReply.expired(deleted).encode();
        }
        Outcome outcome = Transitions.apply(store.get(command.gid()), command, entry.timestampMs(), store.topics());
        if (outcome instanceof Outcome.Accepted accepted) {
            store.put(accepted.after(),
                    TimelineEntry.of(entry.index(), entry.term(), entry.timestampMs(), command, accepted.after()));
            for (ApplyListener listener : listeners) {
                listener.onApplied(accepted.after(), accepted.events());
            }
        }
        return ApplyReply.of(outcome).encode();
    }

    /** Reads go to the store directly; a query through the log is only the linearizable barrier before them. */
    @Override
    public byte[] query(byte[] request) {
        return new byte[0];
    }

    /**
     * Checkpoints the finished store into {@code files} (a memtable flush and hard links, on this thread, so that it
     * is exactly as of the last command applied) and freezes the heap part, which the writer thread writes later.
     */
    @Override
    public Image captureSnapshot(Path files) {
        long started = System.nanoTime();
        long index = lastIndex;
        long term = lastTerm;
        finished.checkpoint(files, index, term);
        metrics.checkpointed(System.nanoTime() - started);
        TransactionStore.Image image = store.image();
        return out -> {
            long writeStarted = System.nanoTime();
            DataOutputStream data = new DataOutputStream(out);
            data.write(IMAGE_VERSION);
            data.writeLong(index);
            data.writeLong(term);
            data.flush();
            image.writeTo(out);
            metrics.snapshotWritten(System.nanoTime() - writeStarted);
        };
    }

    @Override
    public void restore(InputStream in, Path files) throws IOException {
        int version = in.read();
        if (version == 0) {
            // images of the foundation release held no transactions
            finished.restore(null, -1);
            store.readFrom(InputStream.nullInputStream(), -1, -1);
            return;
        }
        if (version == 1) {
            finished.restore(null, -1);
            store.readFrom(in, 0, 0);
            return;
        }
        if (version != IMAGE_VERSION) {
            throw new IOException("Expected node image version " + IMAGE_VERSION + ", but found " + version);
        }
        DataInputStream data = new DataInputStream(in);
        long index = data.readLong();
        long term = data.readLong();
        if (files == null) {
            throw new IOException("Expected the finished store's checkpoint beside a version " + version
                    + " image, but the snapshot has no files");
        }
        finished.restore(files, index);
        store.readFrom(in, index, term);
        lastIndex = index;
        lastTerm = term;
        LOG.info("Restored {} unfinished and {} finished transactions as of index {}", store.unfinishedCount(),
                store.finishedCount(), index);
    }
}
