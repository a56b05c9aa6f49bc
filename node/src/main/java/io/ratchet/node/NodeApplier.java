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
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's state machine: decodes each committed command, applies it with {@link Transitions}, keeps the store. */
final class NodeApplier implements LogApplier {

    private static final Logger LOG = LoggerFactory.getLogger(NodeApplier.class);
    private static final int IMAGE_VERSION = 1;

    private final TransactionStore store;
    private final NodeMetrics metrics;
    private final List<ApplyListener> listeners = new CopyOnWriteArrayList<>();

    NodeApplier(TransactionStore store, NodeMetrics metrics) {
        this.store = store;
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
        Outcome outcome = Transitions.apply(store.get(command.gid()), command, entry.timestampMs(), store.topics());
        if (outcome instanceof Outcome.Accepted accepted) {
            store.put(accepted.after());
            store.record(command.gid(),
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

    @Override
    public Image captureSnapshot() {
        TransactionStore.Image image = store.image();
        return out -> {
            long started = System.nanoTime();
            out.write(IMAGE_VERSION);
            image.writeTo(out);
            metrics.snapshotWritten(System.nanoTime() - started);
        };
    }

    @Override
    public void restore(InputStream in) throws IOException {
        int version = in.read();
        if (version == 0) {
            store.readFrom(InputStream.nullInputStream()); // images of the foundation release held no transactions
            return;
        }
        if (version != IMAGE_VERSION) {
            throw new IOException("Expected node image version " + IMAGE_VERSION + ", but found " + version);
        }
        store.readFrom(in);
    }
}
