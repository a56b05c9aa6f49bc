package io.ratchet.log.testing;

import java.nio.file.Path;
import io.ratchet.log.LogApplier;
import io.ratchet.log.LogEntry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A test {@link LogApplier} whose state is a hash chain over every applied command (with its index, slot and
 * leader timestamp) plus the set of commands seen: two members with equal digests applied the same commands in
 * the same order at the same log positions. The reply to a command is the number of commands applied so far.
 */
public final class DigestApplier implements LogApplier {

    private byte[] digest = new byte[32];
    private long count;
    private long lastTimestampMs;
    private final TreeSet<String> commands = new TreeSet<>();

    @Override
    public synchronized byte[] apply(LogEntry entry) {
        if (entry.timestampMs() < lastTimestampMs) {
            throw new IllegalStateException("Expected timestamps never to go back, but " + entry.timestampMs()
                    + " < " + lastTimestampMs + " at index " + entry.index());
        }
        lastTimestampMs = entry.timestampMs();
        MessageDigest sha = sha256();
        sha.update(digest);
        sha.update(ByteBuffer.allocate(20).putLong(entry.index()).putInt(entry.slot()).putLong(entry.timestampMs())
                .array());
        sha.update(entry.payload());
        digest = sha.digest();
        count++;
        commands.add(new String(entry.payload(), StandardCharsets.UTF_8));
        return ByteBuffer.allocate(8).putLong(count).array();
    }

    @Override
    public synchronized byte[] query(byte[] request) {
        return (HexFormat.of().formatHex(digest) + "/" + count).getBytes(StandardCharsets.UTF_8);
    }

    public synchronized String digest() {
        return HexFormat.of().formatHex(digest) + "/" + count;
    }

    public synchronized long count() {
        return count;
    }

    public synchronized Set<String> commands() {
        return Set.copyOf(commands);
    }

    @Override
    public synchronized Image captureSnapshot(Path files) {
        byte[] atDigest = digest.clone();
        long atCount = count;
        long atTimestampMs = lastTimestampMs;
        List<String> atCommands = List.copyOf(commands);
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.write(atDigest);
            data.writeLong(atCount);
            data.writeLong(atTimestampMs);
            data.writeInt(atCommands.size());
            for (String c : atCommands) {
                data.writeUTF(c);
            }
            data.flush();
        };
    }

    @Override
    public synchronized void restore(InputStream in, Path files) throws IOException {
        DataInputStream data = new DataInputStream(in);
        digest = data.readNBytes(32);
        count = data.readLong();
        lastTimestampMs = data.readLong();
        commands.clear();
        int n = data.readInt();
        for (int i = 0; i < n; i++) {
            commands.add(data.readUTF());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
