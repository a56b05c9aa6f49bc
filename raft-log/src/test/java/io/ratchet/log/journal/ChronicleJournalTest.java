package io.ratchet.log.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleJournalTest {

    @TempDir
    Path dir;

    @Test
    void shouldReplayAppendedRecordsInOrderAfterReopen() {
        // given
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> { });
            for (long i = 1; i <= 5; i++) {
                journal.append(record(i));
            }
            assertThat(journal.lastIndex()).isEqualTo(5);
        }

        // when
        List<Long> indexes = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            Journal.ReplayResult result = journal.replay(-1, -1, r -> indexes.add(r.index()));

            // then
            assertThat(indexes).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(result.lastIndex()).isEqualTo(5);
            assertThat(journal.lastIndex()).isEqualTo(5);
        }
    }

    @Test
    void shouldReplayOnlyTheTailAfterAnIndexAndStartFromThePositionHint() {
        long hint;
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> { });
            for (long i = 1; i <= 3; i++) {
                journal.append(record(i));
            }
            hint = journal.lastPosition();
            for (long i = 4; i <= 6; i++) {
                journal.append(record(i));
            }
        }
        List<Long> indexes = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(3, hint, r -> indexes.add(r.index()));
        }
        assertThat(indexes).containsExactly(4L, 5L, 6L);
    }

    @Test
    void shouldSkipACorruptRecordAndAcceptTheEntryReappendedAfterIt() {
        // given: 1..3, then a record for 4 whose bytes were damaged
        writeThreeThenADamagedFourAndAnOrphanFive(dir);

        // when: the member restarts, finds 1..3, and the log re-feeds 4 and 5
        List<Long> firstReplay = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            Journal.ReplayResult result = journal.replay(-1, -1, r -> firstReplay.add(r.index()));
            assertThat(result.skippedCorrupt()).isEqualTo(1);
            assertThat(result.skippedUnchained()).isEqualTo(1);
            journal.append(record(4));
            journal.append(record(5));
        }

        // then: the next replay reads one clean chain
        List<Long> secondReplay = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> secondReplay.add(r.index()));
        }
        assertThat(firstReplay).containsExactly(1L, 2L, 3L);
        assertThat(secondReplay).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void shouldDetectATruncatedRecord() {
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> { });
            journal.append(record(1));
            byte[] full = encoded(2, 1);
            journal.appendRaw(java.util.Arrays.copyOf(full, full.length - 3));
            journal.appendRaw(new byte[7]);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            Journal.ReplayResult result = journal.replay(-1, -1, r -> { });
            assertThat(result.skippedCorrupt()).isEqualTo(2);
            assertThat(result.lastIndex()).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepTheChainWhenTheSnapshotCoversEntriesThatWereNeverJournaled() {
        // given: records 1..3, and a snapshot at index 5 (4 and 5 were configuration entries)
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> { });
            for (long i = 1; i <= 3; i++) {
                journal.append(record(i));
            }
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            Journal.ReplayResult result = journal.replay(5, -1, r -> { });
            assertThat(result.replayed()).isZero();
            journal.append(record(6));
        }

        // then: a replay from the start still reads everything
        List<Long> indexes = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> indexes.add(r.index()));
        }
        assertThat(indexes).containsExactly(1L, 2L, 3L, 6L);
    }

    @Test
    void shouldRefuseAnIndexThatDoesNotAdvance() {
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> { });
            journal.append(record(2));
            assertThatThrownBy(() -> journal.append(record(2))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldDigestTheSameRecordsAlikeAndAnyDifferenceApart() {
        JournalDigest a = digestOf(dir.resolve("a"), 3, 1, 2, 5);
        JournalDigest b = digestOf(dir.resolve("b"), 3, 1, 2, 5);
        JournalDigest otherTerm = digestOf(dir.resolve("c"), 4, 1, 2, 5);

        assertThat(a.sha256()).isEqualTo(b.sha256()).isNotEqualTo(otherTerm.sha256());
        assertThat(a.records()).as("2..5 without the gap at 3 (an entry never journaled)").isEqualTo(3);
        assertThat(a.firstIndex()).isEqualTo(1);
        assertThat(a.lastIndex()).isEqualTo(6);
        try (ChronicleJournal journal = ChronicleJournal.open(dir.resolve("a"))) {
            JournalDigest empty = journal.digest(10, 20);
            assertThat(empty.records()).isZero();
            assertThat(empty.sha256()).isNotEqualTo(a.sha256()).hasSize(64);
        }
    }

    /** Journals 1, 2, 4, 5, 6 in term 1, except 4 in {@code termOf4}; digests {@code from}..{@code to}. */
    private static JournalDigest digestOf(Path dir, long termOf4, long first, long from, long to) {
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> { });
            for (long i = first; i <= 6; i++) {
                if (i != 3) {
                    JournalRecord r = record(i);
                    journal.append(i == 4 ? new JournalRecord(4, termOf4, r.timestampMs(), r.payload()) : r);
                }
            }
            return journal.digest(from, to);
        }
    }

    @Test
    void shouldDigestAReappendedTailLikeAJournalThatNeverBroke() {
        writeThreeThenADamagedFourAndAnOrphanFive(dir.resolve("broken"));
        try (ChronicleJournal journal = ChronicleJournal.open(dir.resolve("broken"))) {
            journal.replay(-1, -1, r -> { });
            journal.append(record(4));
            journal.append(record(5));
        }
        try (ChronicleJournal broken = ChronicleJournal.open(dir.resolve("broken"));
             ChronicleJournal clean = ChronicleJournal.open(dir.resolve("clean"))) {
            clean.replay(-1, -1, r -> { });
            for (long i = 1; i <= 5; i++) {
                clean.append(record(i));
            }

            assertThat(broken.digest(1, 5)).isEqualTo(clean.digest(1, 5));
        }
    }

    private static void writeThreeThenADamagedFourAndAnOrphanFive(Path dir) {
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> { });
            for (long i = 1; i <= 3; i++) {
                journal.append(record(i));
            }
            byte[] damaged = encoded(4, 3);
            damaged[damaged.length - 1] ^= 0x5A;
            journal.appendRaw(damaged);
            journal.appendRaw(encoded(5, 4)); // intact, but chained to the damaged one: an orphan
        }
    }

    private static JournalRecord record(long index) {
        return new JournalRecord(index, 1, 1000 + index, ("payload-" + index).getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes {@link ChronicleJournal#append} would write for {@code record(index)} chained after prev. */
    private static byte[] encoded(long index, long prev) {
        JournalRecord r = record(index);
        ByteBuffer b = ByteBuffer.allocate(ChronicleJournal.HEADER_BYTES + r.payload().length);
        b.putInt(0).putLong(r.index()).putLong(r.term()).putLong(prev).putLong(r.timestampMs())
                .putInt(r.payload().length).put(r.payload());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 4, b.capacity() - 4);
        b.putInt(0, (int) crc.getValue());
        return b.array();
    }
}
