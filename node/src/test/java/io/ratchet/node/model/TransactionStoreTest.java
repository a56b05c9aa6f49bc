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
}
