package io.ratchet.log.ratis;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * The applier's files of a snapshot: a directory beside the snapshot file, {@code snapshot.<term>_<index>.files/},
 * in Ratis's state machine directory, so that Ratis ships it with the image to a member that installs the snapshot
 * (the whole directory replaces the follower's). Ratis deletes old snapshot files itself; their directories go here.
 */
final class SnapshotFiles {

    private static final String SUFFIX = ".files";
    private static final Pattern DIRECTORY = Pattern.compile("snapshot\\.\\d+_\\d+" + Pattern.quote(SUFFIX));

    private SnapshotFiles() {
    }

    /** The directory of the applier's files for the snapshot file {@code snapshot}. */
    static Path of(Path snapshot) {
        return snapshot.resolveSibling(snapshot.getFileName() + SUFFIX);
    }

    /** The snapshot as a list of files: the image, then the applier's files in name order (no Ratis .md5 files). */
    static SnapshotInfo withFiles(SingleFileSnapshotInfo single) {
        Path dir = of(single.getFile().getPath());
        if (!Files.isDirectory(dir)) {
            return single;
        }
        List<FileInfo> files = new ArrayList<>();
        files.add(single.getFile());
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> !p.getFileName().toString().endsWith(".md5")).sorted()
                    .forEach(p -> files.add(new FileInfo(p, null)));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list the files of snapshot " + single + ": " + e.getMessage(), e);
        }
        return new FileListSnapshotInfo(files, single.getTermIndex());
    }

    /** The index of the oldest snapshot file in {@code snapshotDir} (what a restart may load at the oldest). */
    static OptionalLong oldestSnapshotIndex(Path snapshotDir) throws IOException {
        try (Stream<Path> list = Files.list(snapshotDir)) {
            return list.map(p -> SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches).mapToLong(m -> Long.parseLong(m.group(2))).min();
        }
    }

    /** Forces the directory's entries (the files themselves are synced by whoever wrote them) to disk. */
    static void sync(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    }

    /**
     * Deletes the files directories of all but the newest {@code keep} snapshots, and those whose snapshot file is
     * gone (never renamed into place after a crash). Ratis deletes the snapshot files beyond its retention after this
     * runs, so their directories would otherwise linger for a snapshot period.
     */
    static void deleteOlder(Path snapshotDir, int keep) throws IOException {
        if (!Files.isDirectory(snapshotDir)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> list = Files.list(snapshotDir)) {
            dirs = list.filter(p -> DIRECTORY.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(SnapshotFiles::index).reversed()).toList();
        }
        int kept = 0;
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            boolean hasSnapshot = Files.exists(dir.resolveSibling(name.substring(0, name.length() - SUFFIX.length())));
            if (hasSnapshot && kept < keep) {
                kept++;
            } else {
                delete(dir);
            }
        }
    }

    private static long index(Path filesDir) {
        String name = filesDir.getFileName().toString();
        return Long.parseLong(name.substring(name.indexOf('_') + 1, name.length() - SUFFIX.length()));
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
