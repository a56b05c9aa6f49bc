package io.ratchet.log.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Checks that SnapshotStore writes snapshot files atomically and reads back only intact ones. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SnapshotStoreTest {

    private static final SnapshotManifest MANIFEST = new SnapshotManifest(3, 1_234, 1_700_000_000_000L, 1_230, 98_765);

    @TempDir
    Path dir;

    // ---- round trip ---------------------------------------------------------------------------------------------

    @Test
    void shouldReadBackManifestAndImageWhenImageIsEmpty() throws IOException {
        // given
        Path file = dir.resolve("snapshot.3_1234");

        // when
        SnapshotStore.write(file, MANIFEST, out -> { });
        SnapshotStore.Loaded loaded = SnapshotStore.read(file);

        // then
        assertThat(loaded.manifest()).isEqualTo(MANIFEST);
        assertThat(loaded.image()).isEmpty();
        assertThat(Files.size(file)).isEqualTo(SnapshotStore.HEADER_BYTES);
    }

    @Test
    void shouldReadBackManifestAndImageWhenImageIsOneMebibyte() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        byte[] image = randomBytes(1024 * 1024, 42);
        SnapshotManifest manifest = new SnapshotManifest(Long.MAX_VALUE, Long.MAX_VALUE - 1, -1, 0, Long.MIN_VALUE);

        // when
        SnapshotStore.write(file, manifest, out -> out.write(image));
        SnapshotStore.Loaded loaded = SnapshotStore.read(file);

        // then
        assertThat(loaded.manifest()).isEqualTo(manifest);
        assertThat(loaded.image()).isEqualTo(image);
        assertThat(loaded.imageStream().readAllBytes()).isEqualTo(image);
        assertThat(Files.size(file)).isEqualTo(SnapshotStore.HEADER_BYTES + image.length);
    }

    @Test
    void shouldReadBackImageWhenWriterMixesSingleBytesAndSlices() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        byte[] image = randomBytes(200_000, 7);

        // when: single bytes, then slices larger and smaller than the write buffer
        SnapshotStore.write(file, MANIFEST, out -> {
            for (int i = 0; i < 100; i++) {
                out.write(image[i]);
            }
            out.write(image, 100, 99_900);
            out.write(image, 100_000, 100_000);
        });
        SnapshotStore.Loaded loaded = SnapshotStore.read(file);

        // then
        assertThat(loaded.image()).isEqualTo(image);
    }

    @Test
    void shouldLayOutHeaderAsDocumented() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        byte[] image = "image".getBytes(StandardCharsets.US_ASCII);

        // when
        SnapshotStore.write(file, MANIFEST, out -> out.write(image));

        // then
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(file));
        byte[] magic = new byte[8];
        h.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("RCHSNAP1");
        assertThat(h.getInt()).isEqualTo(SnapshotStore.FORMAT_VERSION);
        assertThat(List.of(h.getLong(), h.getLong(), h.getLong(), h.getLong(), h.getLong()))
                .containsExactly(3L, 1_234L, 1_700_000_000_000L, 1_230L, 98_765L);
        assertThat(h.getLong()).isEqualTo(image.length);
        CRC32C crc = new CRC32C();
        crc.update(image);
        crc.update(h.array(), 0, SnapshotStore.HEADER_BYTES - 4);
        assertThat(h.getInt()).isEqualTo((int) crc.getValue());
        assertThat(h.position()).isEqualTo(SnapshotStore.HEADER_BYTES);
    }

    // ---- atomic replacement -------------------------------------------------------------------------------------

    @Test
    void shouldLeaveNoTemporaryFileWhenWriteSucceeds() throws IOException {
        // given
        Path file = dir.resolve("snapshot");

        // when
        SnapshotStore.write(file, MANIFEST, out -> out.write(randomBytes(1000, 1)));

        // then
        assertThat(fileNames()).containsExactly("snapshot");
    }

    @Test
    void shouldReplaceExistingTargetWhenWritingOverIt() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        SnapshotStore.write(file, MANIFEST, out -> out.write(randomBytes(5000, 1)));
        SnapshotManifest newer = new SnapshotManifest(4, 2_000, 1_700_000_001_000L, 1_999, 123_456);
        byte[] newerImage = "smaller".getBytes(StandardCharsets.US_ASCII);

        // when
        SnapshotStore.write(file, newer, out -> out.write(newerImage));

        // then
        SnapshotStore.Loaded loaded = SnapshotStore.read(file);
        assertThat(loaded.manifest()).isEqualTo(newer);
        assertThat(loaded.image()).isEqualTo(newerImage);
        assertThat(fileNames()).containsExactly("snapshot");
    }

    @Test
    void shouldIgnoreLeftoverTemporaryFileWhenAnEarlierWriteCrashed() throws IOException {
        // given: a longer temporary file left by a crash
        Path file = dir.resolve("snapshot");
        Files.write(dir.resolve("snapshot.tmp"), randomBytes(10_000, 3));
        byte[] image = "fresh".getBytes(StandardCharsets.US_ASCII);

        // when
        SnapshotStore.write(file, MANIFEST, out -> out.write(image));

        // then
        SnapshotStore.Loaded loaded = SnapshotStore.read(file);
        assertThat(loaded.image()).isEqualTo(image);
        assertThat(fileNames()).containsExactly("snapshot");
    }

    @Test
    void shouldKeepPreviousSnapshotWhenImageWriterFails() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        byte[] image = randomBytes(3000, 9);
        SnapshotStore.write(file, MANIFEST, out -> out.write(image));
        IOException failure = new IOException("applier failed");

        // when
        assertThatThrownBy(() -> SnapshotStore.write(file, new SnapshotManifest(9, 9, 9, 9, 9), out -> {
            out.write(new byte[100]);
            throw failure;
        })).isSameAs(failure);

        // then
        SnapshotStore.Loaded loaded = SnapshotStore.read(file);
        assertThat(loaded.manifest()).isEqualTo(MANIFEST);
        assertThat(loaded.image()).isEqualTo(image);
    }

    // ---- damage detection ---------------------------------------------------------------------------------------

    @Test
    void shouldRejectWithChecksumErrorWhenAManifestByteIsFlipped() throws IOException {
        // given: the snapshot index (header bytes 20..27) damaged
        Path file = dir.resolve("snapshot");
        SnapshotStore.write(file, MANIFEST, out -> out.write(randomBytes(64, 5)));
        byte[] all = Files.readAllBytes(file);
        all[22] ^= 0x01;
        Files.write(file, all);

        // when / then
        assertThatThrownBy(() -> SnapshotStore.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void shouldRejectWithChecksumErrorWhenAnImageByteIsFlipped() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        SnapshotStore.write(file, MANIFEST, out -> out.write(randomBytes(4096, 5)));
        byte[] all = Files.readAllBytes(file);
        all[SnapshotStore.HEADER_BYTES + 2000] ^= 0x01;
        Files.write(file, all);

        // when / then
        assertThatThrownBy(() -> SnapshotStore.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum")
                .hasMessageContaining(file.toString());
    }

    @Test
    void shouldRejectAsWrongSizeWhenImageIsCutShort() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        SnapshotStore.write(file, MANIFEST, out -> out.write(randomBytes(4096, 5)));
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 1));

        // when / then
        assertThatThrownBy(() -> SnapshotStore.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("wrong size")
                .hasMessageContaining("expected an image of 4096 bytes, but found 4095");
    }

    @Test
    void shouldRejectAsTruncatedWhenFileIsShorterThanHeader() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        SnapshotStore.write(file, MANIFEST, out -> out.write(randomBytes(100, 5)));
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, SnapshotStore.HEADER_BYTES - 1));

        // when / then
        assertThatThrownBy(() -> SnapshotStore.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining((SnapshotStore.HEADER_BYTES - 1) + " bytes");
    }

    @Test
    void shouldRejectWhenMagicIsWrong() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        SnapshotStore.write(file, MANIFEST, out -> out.write(randomBytes(100, 5)));
        byte[] all = Files.readAllBytes(file);
        all[0] = 'X';
        Files.write(file, all);

        // when / then
        assertThatThrownBy(() -> SnapshotStore.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("magic does not match");
    }

    @Test
    void shouldRejectWhenFormatVersionIsUnknown() throws IOException {
        // given
        Path file = dir.resolve("snapshot");
        SnapshotStore.write(file, MANIFEST, out -> out.write(randomBytes(100, 5)));
        byte[] all = Files.readAllBytes(file);
        ByteBuffer.wrap(all).putInt(8, 2);
        Files.write(file, all);

        // when / then
        assertThatThrownBy(() -> SnapshotStore.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Expected snapshot format 1")
                .hasMessageContaining("but was 2");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
