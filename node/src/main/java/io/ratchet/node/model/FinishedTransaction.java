package io.ratchet.node.model;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A transaction that reached succeed or failed, with its timeline: what the {@link FinishedStore} keeps per gid
 * until retention expires it. Encoded as JSON with the codec's settings (fields in declaration order, map keys
 * sorted), so equal records give equal bytes on every member.
 */
public record FinishedTransaction(GlobalTransaction transaction, Timeline timeline) {

    public byte[] encode() {
        try {
            return CommandCodec.JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FinishedTransaction decode(byte[] bytes) {
        try {
            return CommandCodec.JSON.readValue(bytes, FinishedTransaction.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a finished transaction record: " + e.getMessage(), e);
        }
    }
}
