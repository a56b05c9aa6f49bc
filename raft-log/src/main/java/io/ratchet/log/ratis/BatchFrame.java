package io.ratchet.log.ratis;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs several commands into one Raft entry, and their replies into one Raft reply.
 *
 * <pre>
 * entry:  0         1              9         13
 *         +---------+--------------+---------+--------------------------------------+
 *         | version | timestampMs  | count   | (length int32, bytes) x count        |
 *         | int8    | int64        | int32   |                                      |
 *         +---------+--------------+---------+--------------------------------------+
 * reply:  | count int32 | (length int32, bytes) x count |
 * </pre>
 *
 * The submitter writes {@code timestampMs = 0}; the leader stamps it in {@code startTransaction}.
 */
final class BatchFrame {

    static final byte VERSION = 1;
    static final int HEADER_BYTES = 13;
    static final int TIMESTAMP_OFFSET = 1;

    private BatchFrame() {
    }

    /** A decoded entry. */
    record Entry(long timestampMs, List<byte[]> commands) {
    }

    static byte[] encodeEntry(List<byte[]> commands) {
        int size = HEADER_BYTES;
        for (byte[] c : commands) {
            size += 4 + c.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION).putLong(0).putInt(commands.size());
        for (byte[] c : commands) {
            b.putInt(c.length).put(c);
        }
        return b.array();
    }

    static byte[] stamp(byte[] entry, long timestampMs) {
        checkHeader(entry);
        byte[] copy = entry.clone();
        ByteBuffer.wrap(copy).putLong(TIMESTAMP_OFFSET, timestampMs);
        return copy;
    }

    static Entry decodeEntry(byte[] entry) {
        ByteBuffer b = checkHeader(entry);
        long timestampMs = b.getLong(TIMESTAMP_OFFSET);
        b.position(HEADER_BYTES - 4);
        return new Entry(timestampMs, readItems(b, "entry"));
    }

    static byte[] encodeReplies(List<byte[]> replies) {
        int size = 4;
        for (byte[] r : replies) {
            size += 4 + r.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(replies.size());
        for (byte[] r : replies) {
            b.putInt(r.length).put(r);
        }
        return b.array();
    }

    static List<byte[]> decodeReplies(byte[] reply) {
        return readItems(ByteBuffer.wrap(reply), "reply");
    }

    private static int readLength(ByteBuffer b, String what, String field) {
        if (b.remaining() < 4) {
            throw new IllegalArgumentException("Expected the " + what + "'s " + field + " (4 bytes), but only "
                    + b.remaining() + " bytes remain");
        }
        return b.getInt();
    }

    private static ByteBuffer checkHeader(byte[] entry) {
        if (entry.length < HEADER_BYTES || entry[0] != VERSION) {
            throw new IllegalArgumentException("Expected a batch frame of version " + VERSION + ", but got "
                    + entry.length + " bytes starting with " + (entry.length == 0 ? "nothing" : entry[0]));
        }
        return ByteBuffer.wrap(entry);
    }

    private static List<byte[]> readItems(ByteBuffer b, String what) {
        int count = readLength(b, what, "item count");
        if (count < 0 || count > b.remaining() / 4) {
            throw new IllegalArgumentException("Expected a " + what + " item count, but read " + count);
        }
        List<byte[]> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = readLength(b, what, "length of item " + i);
            if (length < 0 || length > b.remaining()) {
                throw new IllegalArgumentException("Expected " + what + " item " + i + " to fit, but its length is "
                        + length + " with " + b.remaining() + " bytes left");
            }
            byte[] item = new byte[length];
            b.get(item);
            items.add(item);
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("Expected the " + what + " to end after " + count + " items, but "
                    + b.remaining() + " bytes remain");
        }
        return items;
    }
}
