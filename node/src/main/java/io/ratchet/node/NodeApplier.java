package io.ratchet.node;

import io.ratchet.log.LogApplier;
import io.ratchet.log.LogEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The node's state machine. The transaction model (commands, {@code TransactionStore}) is not built yet — it
 * arrives with the saga issue — so no node code submits commands today: this applier answers any command it is
 * given as unknown, and its snapshot image is only a format version.
 */
final class NodeApplier implements LogApplier {

    private static final int IMAGE_VERSION = 0;

    @Override
    public byte[] apply(LogEntry entry) {
        return ("unknown command at index " + entry.index() + " slot " + entry.slot()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] query(byte[] request) {
        return new byte[0];
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        out.write(IMAGE_VERSION);
    }

    @Override
    public void restore(InputStream in) throws IOException {
        int version = in.read();
        if (version != IMAGE_VERSION) {
            throw new IOException("Expected node image version " + IMAGE_VERSION + ", but found " + version);
        }
    }
}
