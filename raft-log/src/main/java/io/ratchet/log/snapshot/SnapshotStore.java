package io.ratchet.log.snapshot;

import io.ratchet.log.LogApplier;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes and reads snapshot files:
 *
 * <pre>
 *   0         8        12      20      28            36             44               52            60          64
 *   +---------+--------+-------+-------+-------------+--------------+----------------+-------------+-----------+--------+
 *   | RCHSNAP | format | term  | index | timestampMs | journalIndex | journalPosition| imageLength | crc32c    | image  |
 *   | 8 bytes | int32  | int64 | int64 | int64       | int64        | int64          | int64       | int32     | ...    |
 *   +---------+--------+-------+-------+-------------+--------------+----------------+-------------+-----------+--------+
 * </pre>
 *
 * The checksum covers the image and then header bytes 0..60, so a flipped bit in the manifest is caught too. A file
 * is written under a temporary name, fsynced, renamed, and its directory fsynced, so a crash never leaves a half
 * snapshot under the final name, nor loses the rename once Ratis may have purged its log up to it.
 */
public final class SnapshotStore {

    private static final byte[] MAGIC = "RCHSNAP1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    public static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 64;

    private SnapshotStore() {
    }

    /** A snapshot read back: its manifest and its verified image. */
    public record Loaded(SnapshotManifest manifest, byte[] image) {
        public InputStream imageStream() {
            return new ByteArrayInputStream(image);
        }
    }

    public static void write(Path target, SnapshotManifest manifest, LogApplier.Image image) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            writeTmp(tmp, manifest, image);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private static void writeTmp(Path tmp, SnapshotManifest manifest, LogApplier.Image image) throws IOException {
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.position(HEADER_BYTES);
            CRC32C crc = new CRC32C();
            long imageLength;
            OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
            try (CountingOutputStream counting = new CountingOutputStream(
                    new CheckedOutputStream(new BufferedOutputStream(raw, 64 * 1024), crc))) {
                image.writeTo(counting);
                counting.flush();
                imageLength = counting.count;
                ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
                header.put(MAGIC)
                        .putInt(FORMAT_VERSION)
                        .putLong(manifest.term())
                        .putLong(manifest.index())
                        .putLong(manifest.timestampMs())
                        .putLong(manifest.journalIndex())
                        .putLong(manifest.journalPosition())
                        .putLong(imageLength);
                crc.update(header.array(), 0, HEADER_BYTES - 4);
                header.putInt((int) crc.getValue()).flip();
                channel.write(header, 0);
                channel.force(true);
            }
        }
    }

    public static Loaded read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < HEADER_BYTES) {
            throw new IOException("Snapshot " + file + " is truncated: " + all.length + " bytes");
        }
        ByteBuffer h = ByteBuffer.wrap(all);
        byte[] magic = new byte[MAGIC.length];
        h.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException("Expected a Ratchet snapshot in " + file + ", but the magic does not match");
        }
        int format = h.getInt();
        if (format != FORMAT_VERSION) {
            throw new IOException("Expected snapshot format " + FORMAT_VERSION + " in " + file + ", but was " + format);
        }
        SnapshotManifest manifest = new SnapshotManifest(h.getLong(), h.getLong(), h.getLong(), h.getLong(), h.getLong());
        long imageLength = h.getLong();
        int expectedCrc = h.getInt();
        if (imageLength != all.length - HEADER_BYTES) {
            throw new IOException("Snapshot " + file + " has the wrong size: expected an image of " + imageLength
                    + " bytes, but found " + (all.length - HEADER_BYTES));
        }
        CRC32C crc = new CRC32C();
        crc.update(all, HEADER_BYTES, (int) imageLength);
        crc.update(all, 0, HEADER_BYTES - 4);
        if ((int) crc.getValue() != expectedCrc) {
            throw new IOException("Snapshot " + file + " is corrupt: checksum mismatch");
        }
        byte[] image = java.util.Arrays.copyOfRange(all, HEADER_BYTES, all.length);
        return new Loaded(manifest, image);
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            // The channel is closed by its owner after the header is written.
            flush();
        }
    }
}
