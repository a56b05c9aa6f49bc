package io.ratchet.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The applier's files beside each snapshot: listed for Ratis to ship, and deleted with their snapshots. */
class SnapshotFilesTest {

    @TempDir
    Path sm;

    private Path snapshot(long index, boolean withFile, String... files) throws Exception {
        Path file = sm.resolve("snapshot.1_" + index);
        if (withFile) {
            Files.writeString(file, "image");
        }
        Path dir = Files.createDirectories(SnapshotFiles.of(file));
        for (String f : files) {
            Files.writeString(dir.resolve(f), f);
        }
        return file;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> list = Files.list(sm)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldListTheImageThenTheFilesWithoutRatisChecksums() throws Exception {
        Path file = snapshot(9, true, "000008.sst", "CURRENT", "000008.sst.md5");

        SnapshotInfo info = SnapshotFiles.withFiles(new SingleFileSnapshotInfo(new FileInfo(file, null), 1, 9));

        assertThat(info.getFiles()).extracting(f -> f.getPath().getFileName().toString())
                .containsExactly("snapshot.1_9", "000008.sst", "CURRENT");
        assertThat(info.getTermIndex().getIndex()).isEqualTo(9);
    }

    @Test
    void shouldKeepTheFilesOfTheNewestSnapshotsOnlyAndDropThoseWithoutASnapshotFile() throws Exception {
        snapshot(100, true, "a.sst");
        snapshot(9_999, true, "b.sst");
        snapshot(20_000, true, "c.sst");
        snapshot(30_001, false, "d.sst"); // a crash before the image was renamed into place

        SnapshotFiles.deleteOlder(sm, 2);

        assertThat(names()).containsExactly("snapshot.1_100", "snapshot.1_20000", "snapshot.1_20000.files",
                "snapshot.1_9999", "snapshot.1_9999.files");
    }
}
