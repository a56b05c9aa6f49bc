package io.ratchet.log.ratis;

import io.ratchet.log.LogApplier;
import io.ratchet.log.LogEntry;
import io.ratchet.log.journal.ChronicleJournal;
import io.ratchet.log.journal.Journal;
import io.ratchet.log.journal.JournalRecord;
import java.nio.file.Path;
import java.util.List;

/** Feeds journaled entries to an applier: used on restart, and to rebuild state from a journal alone. */
public final class JournalReplay {

    private JournalReplay() {
    }

    /** Applies every command of one journaled entry, in slot order. */
    static void apply(JournalRecord record, LogApplier applier) {
        List<byte[]> commands = BatchFrame.decodeEntry(record.payload()).commands();
        for (int slot = 0; slot < commands.size(); slot++) {
            applier.apply(new LogEntry(record.index(), record.term(), record.timestampMs(), slot, commands.get(slot)));
        }
    }

    /**
     * Rebuilds an applier from a journal directory alone (no snapshot), e.g. to check that replay equals live.
     * The journal must not be open elsewhere for writing.
     */
    public static Journal.ReplayResult replayInto(Path journalDir, LogApplier applier) {
        try (Journal journal = ChronicleJournal.open(journalDir)) {
            return journal.replay(-1, -1, record -> apply(record, applier));
        }
    }
}
