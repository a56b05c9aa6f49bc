package io.ratchet.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.GlobalStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hot and cold: a transaction leaves the heap when it finishes, and reads and pages see both parts as one. */
class TransactionStoreTest {

    private final InMemoryFinishedStore finished = new InMemoryFinishedStore();
    private final TransactionStore store = new TransactionStore(finished);

    private static GlobalTransaction tx(String gid, long createdMs, GlobalStatus status) {
        SagaFixture model = new SagaFixture();
        model.nowMs = createdMs;
        model.apply(SagaFixture.saga(gid, 1, false, Map.of(), 0));
        return status == GlobalStatus.SUBMITTED ? model.tx : model.tx.withStatus(status, createdMs + 1);
    }

    private static TimelineEntry entry(long index, GlobalTransaction tx) {
        return new TimelineEntry(index, 1, tx.updateTimeMs(), CommandType.REPORT_BRANCH, null, null, null, null, 0,
                tx.status());
    }

    @Test
    void shouldMoveAFinishedTransactionWithItsTimelineOutOfTheHeap() {
        GlobalTransaction open = tx("g", 10, GlobalStatus.SUBMITTED);
        store.put(open, entry(1, open));
        GlobalTransaction done = open.withStatus(GlobalStatus.SUCCEED, 20);

        store.put(done, entry(2, done));

        assertThat(store.getUnfinished("g")).isNull();
        assertThat(store.unfinished()).isEmpty();
        assertThat(store.unfinishedCount()).isZero();
        assertThat(store.get("g")).isEqualTo(done);
        assertThat(store.timeline("g").entries()).extracting(TimelineEntry::index).containsExactly(1L, 2L);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.finishedCount()).isEqualTo(1);
    }

    @Test
    void shouldPageHeapAndFinishedStoreMergedNewestFirstWithAStableCursor() {
        for (int i = 0; i < 10; i++) {
            GlobalTransaction t = tx("g" + i, i, i % 2 == 0 ? GlobalStatus.SUBMITTED : GlobalStatus.SUCCEED);
            store.put(t, entry(i, t));
        }
        TransactionStore.Filter all = new TransactionStore.Filter(null, null, null, null, null);

        List<String> seen = new ArrayList<>();
        String position = "";
        do {
            TransactionStore.Page page = store.page(all, position, 3);
            page.transactions().forEach(t -> seen.add(t.gid()));
            position = page.nextPosition();
        } while (!position.isEmpty());

        assertThat(seen).containsExactly("g9", "g8", "g7", "g6", "g5", "g4", "g3", "g2", "g1", "g0");
        assertThat(store.page(new TransactionStore.Filter(null, GlobalStatus.SUCCEED, null, null, null), "", 100)
                .transactions()).extracting(GlobalTransaction::gid).containsExactly("g9", "g7", "g5", "g3", "g1");
        assertThat(store.page(new TransactionStore.Filter(null, GlobalStatus.SUBMITTED, null, null, null), "", 100)
                .transactions()).extracting(GlobalTransaction::gid).containsExactly("g8", "g6", "g4", "g2", "g0");
    }

    @Test
    void shouldShowATransactionOnceWhenItIsInBothPartsDuringItsMove() {
        GlobalTransaction open = tx("moving", 5, GlobalStatus.SUBMITTED);
        store.put(open, entry(1, open));
        // the apply thread has written the finished version and not yet removed the heap one
        GlobalTransaction done = open.withStatus(GlobalStatus.FAILED, 9);
        finished.put(new FinishedTransaction(done, Timeline.EMPTY), null, 2, 1);

        TransactionStore.Page page = store.page(new TransactionStore.Filter(null, null, null, null, null), "", 10);

        assertThat(page.transactions()).containsExactly(done);
    }

    @Test
    void shouldMoveFinishedTransactionsOfAnOldImageToTheFinishedStore() throws Exception {
        // a version 1 image held every transaction, finished ones too: the heap image of "open" plus a line of "done"
        GlobalTransaction open = tx("open", 1, GlobalStatus.SUBMITTED);
        GlobalTransaction done = tx("done", 2, GlobalStatus.SUCCEED);
        TransactionStore old = new TransactionStore(new InMemoryFinishedStore());
        old.put(open, entry(1, open));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        old.image().writeTo(out);
        String image = out.toString(java.nio.charset.StandardCharsets.UTF_8) + CommandCodec.JSON.writeValueAsString(done)
                + "\n";

        store.readFrom(new java.io.ByteArrayInputStream(image.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 5, 1);

        assertThat(store.getUnfinished("open")).isEqualTo(open);
        assertThat(store.getUnfinished("done")).isNull();
        assertThat(finished.get("done").transaction()).isEqualTo(done);
    }

    /** Every gid of {@code all}, following next_position pages of {@code limit}. */
    private static List<String> pageAll(TransactionStore store, int limit) {
        TransactionStore.Filter all = new TransactionStore.Filter(null, null, null, null, null);
        List<String> seen = new ArrayList<>();
        String position = "";
        do {
            TransactionStore.Page page = store.page(all, position, limit);
            page.transactions().forEach(t -> seen.add(t.gid()));
            position = page.nextPosition();
        } while (!position.isEmpty());
        return seen;
    }

    @Test
    void shouldResumeAfterAPositionWhoseGidHoldsColons() {
        List<String> gids = List.of("a:b", "::", "12:34:x", "order/42@shop a+b?c=d&e#f%20\u00fc\uD83D\uDE00", ":");
        for (int i = 0; i < gids.size(); i++) {
            GlobalTransaction t = tx(gids.get(i), 7, i % 2 == 0 ? GlobalStatus.SUBMITTED : GlobalStatus.SUCCEED);
            store.put(t, entry(i, t));
        }
        TransactionStore.Filter all = new TransactionStore.Filter(null, null, null, null, null);

        String position = store.page(all, "", 1).nextPosition();
        assertThat(position).isEqualTo("7:12:34:x");
        TransactionStore.checkPosition(position);
        assertThat(store.page(all, "7::", 1).transactions()).extracting(GlobalTransaction::gid).containsExactly("::");
        assertThat(pageAll(store, 1)).containsExactly("12:34:x", ":", "::", "a:b",
                "order/42@shop a+b?c=d&e#f%20\u00fc\uD83D\uDE00");
        assertThat(pageAll(store, 2)).isEqualTo(pageAll(store, 1));
    }

    @Test
    void shouldOrderGidsAsTheFinishedStoreOrdersUtf8InTheHeapAndOnDisk() {
        // U+FFFD sorts before U+1F600 by code point (and UTF-8 bytes), after it by UTF-16 unit (\uFFFD > \uD83D)
        String replacement = "\uFFFD-x";
        String emoji = "\uD83D\uDE00-y";
        assertThat(replacement.compareTo(emoji)).as("String order differs").isPositive();
        assertThat(GidOrder.compare(replacement, emoji)).isNegative();
        List<String> heap = List.of(replacement, emoji + "1", "\uE000-h", "z-h");
        List<String> disk = List.of(replacement + "1", emoji, "\uE000-d", "z-d");
        for (int i = 0; i < heap.size(); i++) {
            GlobalTransaction open = tx(heap.get(i), 5, GlobalStatus.SUBMITTED);
            store.put(open, entry(2 * i, open));
            GlobalTransaction done = tx(disk.get(i), 5, GlobalStatus.SUCCEED);
            store.put(done, entry(2 * i + 1, done));
        }
        List<String> expected = List.of("z-d", "z-h", "\uE000-d", "\uE000-h", replacement, replacement + "1", emoji,
                emoji + "1");

        assertThat(pageAll(store, 100)).isEqualTo(expected);
        for (int limit = 1; limit <= 3; limit++) {
            assertThat(pageAll(store, limit)).as("pages of %d", limit).isEqualTo(expected);
        }
        assertThat(store.unfinished()).extracting(GlobalTransaction::gid)
                .containsExactly("z-h", "\uE000-h", replacement, emoji + "1");
        try (FinishedStore.Cursor cursor = finished.newestFirst(0, null)) {
            List<String> onDisk = new ArrayList<>();
            cursor.forEachRemaining(f -> onDisk.add(f.transaction().gid()));
            assertThat(onDisk).containsExactly("z-d", "\uE000-d", replacement + "1", emoji);
        }
    }

    @Test
    void shouldOrderByCodePointsLikeUtf8Bytes() {
        java.util.Random random = new java.util.Random(16);
        int[] edges = {0x20, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff};
        for (int n = 0; n < 20_000; n++) {
            String a = randomText(random, edges);
            String b = random.nextInt(4) == 0 ? a + randomText(random, edges) : randomText(random, edges);
            int bytes = java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(Integer.signum(GidOrder.compare(a, b))).as("%s vs %s", a, b).isEqualTo(Integer.signum(bytes));
        }
    }

    private static String randomText(java.util.Random random, int[] edges) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(4); i >= 0; i--) {
            int cp = random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextInt(0x110000);
            sb.appendCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xe000 + cp % 100 : cp);
        }
        return sb.toString();
    }
}
