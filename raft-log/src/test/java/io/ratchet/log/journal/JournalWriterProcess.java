package io.ratchet.log.journal;

import java.nio.file.Path;

/**
 * A child process for {@link JournalCrashIT}: appends records after whatever the journal holds, as fast as it can,
 * until it is killed. Prints the index of every 100th record so the parent knows it is writing.
 */
public final class JournalWriterProcess {

    private JournalWriterProcess() {
    }

    public static void main(String[] args) {
        try (ChronicleJournal journal = ChronicleJournal.open(Path.of(args[0]))) {
            journal.replay(-1, -1, r -> { });
            byte[] payload = new byte[Integer.parseInt(args[1])];
            for (long index = Math.max(1, journal.lastIndex() + 1); ; index++) {
                java.util.Arrays.fill(payload, (byte) index);
                journal.append(new JournalRecord(index, 1, index, payload));
                if (index % 100 == 0) {
                    System.out.println(index);
                    System.out.flush();
                }
            }
        }
    }
}
