package io.ratchet.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Damages journal files on disk the way a torn write or a bad sector would. */
final class JournalFiles {

    private JournalFiles() {
    }

    /** Flips one byte inside every occurrence of {@code marker} in the journal's files; returns how many. */
    static int flipByteOf(Path journalDir, String marker) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        int flipped = 0;
        List<Path> files;
        try (Stream<Path> list = Files.list(journalDir)) {
            files = list.filter(p -> p.toString().endsWith(".cq4")).toList();
        }
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            for (int i = 0; i + needle.length <= content.length; i++) {
                if (java.util.Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                        raf.seek(i + 3);
                        raf.write(content[i + 3] ^ 0x5A);
                    }
                    flipped++;
                }
            }
        }
        return flipped;
    }
}
