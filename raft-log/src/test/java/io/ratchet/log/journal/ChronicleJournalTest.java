package io.ratchet.log.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
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

    // ---- purging old cycles ---------------------------------------------------------------------------------

    /** The start of a five-minute cycle. */
    private static final long T0 = 1_700_000_100_000L;
    private static final long CYCLE_MS = 300_000;

    /** The journal's clock in the purge tests: each starts at {@link #T0} and steps it by hand. */
    private final SetTimeProvider clock = new SetTimeProvider(Instant.ofEpochMilli(T0));

    private ChronicleJournal openOnClock(Path dir) {
        return ChronicleJournal.open(dir, ChronicleJournal.ROLL_CYCLE, clock);
    }

    /**
     * Journals three records per cycle: 1..3 in the cycle starting at T0, 4..6 in the next, and so on; returns
     * the position of each (at its index).
     */
    private long[] journalInCycles(Path dir, int cycles) {
        long[] positions = new long[cycles * 3 + 1];
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(-1, -1, r -> { });
            for (int c = 0; c < cycles; c++) {
                setClock(T0 + c * CYCLE_MS + 1_000);
                for (int i = 1; i <= 3; i++) {
                    journal.append(record(c * 3L + i));
                    positions[c * 3 + i] = journal.lastPosition();
                }
            }
        }
        return positions;
    }

    private void setClock(long epochMs) {
        clock.advanceMillis(epochMs - clock.currentTimeMillis()); // the setter refuses to go back
    }

    @Test
    void shouldPurgeTheOldCyclesTheSnapshotCoversAndKeepTheRest() {
        // given: 1..3, 4..6, 7..9, 10..12 in four cycles, and a snapshot at 7
        journalInCycles(dir, 4);
        List<Path> filesBefore = cycleFiles(dir);
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(7, -1, r -> { });
            long bytesBefore = journal.bytes();

            // when
            Journal.Purged purged = journal.purgeCycles(7, T0 + 4 * CYCLE_MS);

            // then: the cycles of 1..3 and 4..6 are gone; the one holding 8, the successor of 7, stays
            assertThat(purged.files()).containsExactlyElementsOf(filesBefore.subList(0, 2));
            assertThat(cycleFiles(dir)).containsExactlyElementsOf(filesBefore.subList(2, 4));
            assertThat(purged.firstIndex()).isEqualTo(7);
            assertThat(purged.bytes()).isPositive();
            assertThat(journal.bytes()).isEqualTo(bytesBefore - purged.bytes());
            assertThat(journal.lastIndex()).isEqualTo(12);
        }
        assertThat(replayedIndexes(dir, 7, -1)).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(replayedIndexes(dir, -1, -1)).as("from the first record still held").containsExactly(7L, 8L, 9L,
                10L, 11L, 12L);
    }

    @Test
    void shouldKeepACycleThatEndedAfterTheCutoff() {
        journalInCycles(dir, 3);
        List<Path> files = cycleFiles(dir);
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(9, -1, r -> { });

            Journal.Purged oneMsEarly = journal.purgeCycles(9, T0 + 2 * CYCLE_MS - 1);
            Journal.Purged atTheEnd = journal.purgeCycles(9, T0 + 2 * CYCLE_MS);

            assertThat(oneMsEarly.files()).as("the second cycle had not ended").containsExactly(files.get(0));
            assertThat(atTheEnd.files()).containsExactly(files.get(1));
            assertThat(atTheEnd.firstIndex()).isEqualTo(7);
        }
    }

    @Test
    void shouldKeepTheHeadCycleAndGoOnAppendingAfterAPurge() {
        // given: 1..9 in three cycles; the clock has moved on three cycles with nothing appended
        journalInCycles(dir, 3);
        List<Path> files = cycleFiles(dir);
        setClock(T0 + 6 * CYCLE_MS);
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(9, -1, r -> { });

            // when: the snapshot covers everything, and every cycle has ended
            Journal.Purged purged = journal.purgeCycles(9, Long.MAX_VALUE);

            // then: the chain head's cycle stays, and appends go on after it
            assertThat(purged.files()).containsExactlyElementsOf(files.subList(0, 2));
            assertThat(cycleFiles(dir)).containsExactly(files.get(2));
            assertThat(journal.lastIndex()).isEqualTo(9);
            journal.append(record(10));
            journal.append(record(11));
            assertThat(journal.purgeCycles(11, Long.MAX_VALUE).files()).as("the cycle of 9, now behind the head")
                    .containsExactly(files.get(2));
        }
        assertThat(replayedIndexes(dir, 9, -1)).containsExactly(10L, 11L);
        assertThat(replayedIndexes(dir, -1, -1)).containsExactly(10L, 11L);
    }

    @Test
    void shouldDeleteNothingWhenNothingIsBothCoveredAndOldEnough() {
        try (ChronicleJournal empty = openOnClock(dir.resolve("empty"))) {
            empty.replay(-1, -1, r -> { });
            assertThat(empty.purgeCycles(100, Long.MAX_VALUE)).isEqualTo(new Journal.Purged(List.of(), 0, -1));
        }
        journalInCycles(dir, 3);
        List<Path> files = cycleFiles(dir);
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(-1, -1, r -> { });
            long bytes = journal.bytes();

            Journal.Purged notCovered = journal.purgeCycles(2, Long.MAX_VALUE); // the first cycle holds 3
            Journal.Purged notOld = journal.purgeCycles(9, T0 + CYCLE_MS - 1);

            assertThat(notCovered).isEqualTo(new Journal.Purged(List.of(), 0, 1));
            assertThat(notOld).isEqualTo(new Journal.Purged(List.of(), 0, 1));
            assertThat(cycleFiles(dir)).isEqualTo(files);
            assertThat(journal.bytes()).isEqualTo(bytes);
        }
        assertThat(replayedIndexes(dir, -1, -1)).hasSize(9);
    }

    @Test
    void shouldReplayFromTheFirstCycleHeldWhenThePositionHintWasPurged() {
        // given: a snapshot at 6 with the position of 6, then a purge of what the snapshot covers
        long hintOf6 = journalInCycles(dir, 4)[6];
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(6, hintOf6, r -> { });
            assertThat(journal.purgeCycles(6, T0 + 4 * CYCLE_MS).files()).hasSize(2);
        }

        // when
        List<Long> indexes = new ArrayList<>();
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(6, hintOf6, r -> indexes.add(r.index()));
            journal.append(record(13));
        }

        // then
        assertThat(indexes).containsExactly(7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(replayedIndexes(dir, 6, -1)).containsExactly(7L, 8L, 9L, 10L, 11L, 12L, 13L);
    }

    @Test
    void shouldDigestOnlyTheRecordsStillHeldAfterAPurge() {
        journalInCycles(dir.resolve("purged"), 4);
        journalInCycles(dir.resolve("whole"), 4);
        try (ChronicleJournal purged = openOnClock(dir.resolve("purged"));
             ChronicleJournal whole = openOnClock(dir.resolve("whole"))) {
            purged.replay(-1, -1, r -> { });
            purged.purgeCycles(6, T0 + 4 * CYCLE_MS);

            JournalDigest afterPurge = purged.digest(1, 12);

            assertThat(afterPurge.firstIndex()).as("what the range misses is told").isEqualTo(7);
            assertThat(afterPurge.records()).isEqualTo(6);
            assertThat(afterPurge.sha256()).isEqualTo(whole.digest(7, 12).sha256())
                    .isNotEqualTo(whole.digest(1, 12).sha256());
        }
    }

    @Test
    void shouldDeleteNothingWhileAReaderIsOpen() {
        journalInCycles(dir, 3);
        List<Path> files = cycleFiles(dir);
        List<Journal.Purged> duringReplay = new ArrayList<>();
        try (ChronicleJournal journal = openOnClock(dir)) {
            Journal.ReplayResult result = journal.replay(-1, -1, r -> {
                if (r.index() == 4) {
                    duringReplay.add(journal.purgeCycles(9, Long.MAX_VALUE));
                }
            });

            assertThat(result.replayed()).isEqualTo(9);
            assertThat(duringReplay).containsExactly(new Journal.Purged(List.of(), 0, 1));
            assertThat(cycleFiles(dir)).isEqualTo(files);
            assertThat(journal.purgeCycles(9, Long.MAX_VALUE).files()).hasSize(2);
        }
    }

    @Test
    void shouldOpenAppendToAndPurgeAJournalWrittenWithTheDailyRollCycle() {
        // given: a journal from before retention, one file a day
        try (ChronicleJournal daily = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, clock)) {
            daily.replay(-1, -1, r -> { });
            for (long i = 1; i <= 3; i++) {
                daily.append(record(i));
            }
        }

        // when: opened as the journal is now, and appended to today
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(-1, -1, r -> { });
            journal.append(record(4));
        }

        // then: it stays a daily journal, reads whole, and purges a day at a time
        assertThat(cycleFiles(dir)).hasSize(2).allMatch(p -> p.getFileName().toString().matches("\\d{8}F\\.cq4"));
        assertThat(replayedIndexes(dir, -1, -1)).containsExactly(1L, 2L, 3L, 4L);
        try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
            journal.replay(3, -1, r -> { });
            Journal.Purged purged = journal.purgeCycles(3, System.currentTimeMillis());
            assertThat(purged.files()).hasSize(1);
            assertThat(purged.firstIndex()).isEqualTo(4);
        }
        assertThat(replayedIndexes(dir, 3, -1)).containsExactly(4L);
    }

    @Test
    void shouldGoOnAppendingWhenTheClockStepsBackAcrossACycleBoundary() {
        setClock(T0 + CYCLE_MS - 1_000);
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(-1, -1, r -> { });
            journal.append(record(1));
            clock.advanceMillis(2_000); // the next cycle
            journal.append(record(2));
            clock.advanceMillis(-3_000); // back into the first one, which Chronicle has closed
            journal.append(record(3));
        }
        try (ChronicleJournal journal = openOnClock(dir)) { // and still behind after a restart
            journal.replay(-1, -1, r -> { });
            journal.append(record(4));
        }
        assertThat(cycleFiles(dir)).hasSize(2);
        assertThat(replayedIndexes(dir, -1, -1)).containsExactly(1L, 2L, 3L, 4L);
    }

    private List<Long> replayedIndexes(Path dir, long afterIndex, long positionHint) {
        List<Long> indexes = new ArrayList<>();
        try (ChronicleJournal journal = openOnClock(dir)) {
            journal.replay(afterIndex, positionHint, r -> indexes.add(r.index()));
        }
        return indexes;
    }

    /** The journal's cycle files, oldest first (their names sort by time). */
    private static List<Path> cycleFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
