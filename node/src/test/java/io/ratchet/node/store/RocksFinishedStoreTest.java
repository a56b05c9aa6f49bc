package io.ratchet.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import io.ratchet.node.model.Branch;
import io.ratchet.node.model.FinishedStore;
import io.ratchet.node.model.FinishedTransaction;
import io.ratchet.node.model.CommandType;
import io.ratchet.node.model.GidOrder;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.InMemoryFinishedStore;
import io.ratchet.node.model.Step;
import io.ratchet.node.model.Timeline;
import io.ratchet.node.model.TimelineEntry;
import io.ratchet.node.model.TransOptions;
import io.ratchet.node.model.TransactionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The finished store on real RocksDB files: keys, order, retention, checkpoints and digests. */
class RocksFinishedStoreTest {

    @TempDir
    Path dir;

    static FinishedTransaction finished(String gid, long createdMs, long finishedMs) {
        GlobalTransaction tx = new GlobalTransaction(gid, TransType.SAGA, GlobalStatus.SUCCEED,
                List.of(new Step("http://svc/a", "http://svc/c")), List.of("{}"), "", "",
                new TransOptions(false, 0, 1_000, 3_000, Map.of(), false, 0, Map.of()),
                List.of(new Branch("01", BranchOp.COMPENSATE, "http://svc/c", "{}", BranchStatus.PREPARED, 0,
                                createdMs, createdMs, 0),
                        new Branch("01", BranchOp.ACTION, "http://svc/a", "{}", BranchStatus.SUCCEED, 1, createdMs,
                                finishedMs, 0)),
                createdMs, finishedMs, finishedMs, 0, "", finishedMs, 1_000);
        return new FinishedTransaction(tx, Timeline.EMPTY);
    }

    private static List<String> gids(FinishedStore.Cursor cursor) {
        List<String> gids = new ArrayList<>();
        try (cursor) {
            cursor.forEachRemaining(f -> gids.add(f.transaction().gid()));
        }
        return gids;
    }

    @Test
    void shouldFindWhatWasPutAndCountIt() {
        try (RocksFinishedStore store = RocksFinishedStore.openEmpty(dir.resolve("live"))) {
            FinishedTransaction a = finished("order/42@shop", 100, 150);
            store.put(a, null, 7, 1);
            store.put(a, store.get("order/42@shop"), 8, 1); // the same gid again replaces it, not counted twice

            assertThat(store.get("order/42@shop")).isEqualTo(a);
            assertThat(store.get("missing")).isNull();
            assertThat(store.count()).isEqualTo(1);
            assertThat(store.appliedIndex()).isEqualTo(8);
            assertThat(store.oldestFinishTimeMs()).isEqualTo(150);
        }
    }

    @Test
    void shouldIterateNewestFirstThenByGidAndResumeAfterAPosition() {
        try (RocksFinishedStore store = RocksFinishedStore.openEmpty(dir.resolve("live"))) {
            store.put(finished("b", 200, 300), null, 1, 1);
            store.put(finished("a", 200, 300), null, 2, 1);
            store.put(finished("old", 100, 300), null, 3, 1);
            store.put(finished("new", 300, 400), null, 4, 1);

            assertThat(gids(store.newestFirst(0, null))).containsExactly("new", "a", "b", "old");
            assertThat(gids(store.newestFirst(200, "a"))).containsExactly("b", "old");
            assertThat(gids(store.newestFirst(300, "new"))).containsExactly("a", "b", "old");
        }
    }

    @Test
    void shouldOrderGidsByUtf8BytesAsTheHeapAndTheInMemoryDoubleDo() {
        // by UTF-16 units "\uFFFD-x" > "\uD83D\uDE00-y"; by UTF-8 bytes and code points it is the other way round
        List<String> gids = List.of("\uD83D\uDE00-y", "\uFFFD-x", "\uE000", "z", "order/42@shop a+b?c=d&e#f%20\u00fc",
                "a:b", "\u00fc-1", "\uD83D\uDE00");
        InMemoryFinishedStore memory = new InMemoryFinishedStore();
        try (RocksFinishedStore store = RocksFinishedStore.openEmpty(dir.resolve("live"))) {
            long index = 0;
            for (String gid : gids) {
                store.put(finished(gid, 200, 300), null, ++index, 1);
                memory.put(finished(gid, 200, 300), null, index, 1);
            }
            List<String> expected = gids.stream().sorted(GidOrder.CODE_POINTS).toList();

            assertThat(gids(store.newestFirst(0, null))).isEqualTo(expected)
                    .isEqualTo(gids(memory.newestFirst(0, null)))
                    .containsSubsequence("\uFFFD-x", "\uD83D\uDE00", "\uD83D\uDE00-y");
            assertThat(gids(store.newestFirst(200, "\uFFFD-x"))).isEqualTo(gids(memory.newestFirst(200, "\uFFFD-x")))
                    .containsExactly("\uD83D\uDE00", "\uD83D\uDE00-y");
            for (String gid : gids) {
                assertThat(store.get(gid).transaction().gid()).isEqualTo(gid);
            }
        }
    }

    @Test
    void shouldPageTheHeapAndTheDiskInOneOrderForGidsBeyondTheBasicPlane() {
        try (RocksFinishedStore disk = RocksFinishedStore.openEmpty(dir.resolve("live"))) {
            TransactionStore store = new TransactionStore(disk);
            List<String> cold = List.of("\uD83D\uDE00-y", "\uFFFD-a", "\uE000-c");
            List<String> hot = List.of("\uFFFD-x", "\uD83D\uDE00-b", "\uE000-h");
            long index = 0;
            for (int i = 0; i < cold.size(); i++) {
                GlobalTransaction done = finished(cold.get(i), 200, 300).transaction();
                store.put(done, new TimelineEntry(++index, 1, 300, CommandType.SUBMIT, null, null, null, null, 0,
                        done.status()));
                GlobalTransaction open = finished(hot.get(i), 200, 300).transaction()
                        .withStatus(GlobalStatus.SUBMITTED, 250);
                store.put(open, new TimelineEntry(++index, 1, 250, CommandType.SUBMIT, null, null, null, null, 0,
                        open.status()));
            }
            List<String> expected = java.util.stream.Stream.concat(cold.stream(), hot.stream())
                    .sorted(GidOrder.CODE_POINTS).toList();
            TransactionStore.Filter all = new TransactionStore.Filter(null, null, null, null, null);

            for (int limit = 1; limit <= expected.size(); limit++) {
                List<String> seen = new ArrayList<>();
                String position = "";
                do {
                    TransactionStore.Page page = store.page(all, position, limit);
                    page.transactions().forEach(t -> seen.add(t.gid()));
                    position = page.nextPosition();
                } while (!position.isEmpty());
                assertThat(seen).as("pages of %d", limit).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldExpireByAgeThenByCountOldestFinishFirstAndAtMostMaxDeletes() {
        try (RocksFinishedStore store = RocksFinishedStore.openEmpty(dir.resolve("live"))) {
            for (int i = 0; i < 10; i++) {
                store.put(finished("g" + i, i, 1_000 + i), null, i + 1, 1);
            }

            // finished before 1_003: g0, g1, g2; at most 2 at a time
            assertThat(store.expire(1_003, 100, 2, 20, 1)).isEqualTo(2);
            assertThat(store.get("g0")).isNull();
            assertThat(store.get("g2")).isNotNull();
            assertThat(store.expire(1_003, 100, 100, 21, 1)).isEqualTo(1);
            // then by count: keep 5 of the 7 left, the oldest go
            assertThat(store.expire(0, 5, 100, 22, 1)).isEqualTo(2);

            assertThat(store.count()).isEqualTo(5);
            assertThat(gids(store.newestFirst(0, null))).containsExactly("g9", "g8", "g7", "g6", "g5");
            assertThat(store.oldestFinishTimeMs()).isEqualTo(1_005);
            assertThat(store.expire(0, 5, 100, 23, 1)).isZero();
        }
    }

    @Test
    void shouldRestoreACheckpointByteForByteAndLeaveTheCheckpointAsItWas() throws Exception {
        Path checkpoint = dir.resolve("snapshot.1_9.files");
        StoreDigest atCheckpoint;
        try (RocksFinishedStore store = RocksFinishedStore.openEmpty(dir.resolve("live"))) {
            for (int i = 0; i < 100; i++) {
                store.put(finished("g" + i, i, 1_000 + i), null, i + 1, 1);
            }
            store.checkpoint(checkpoint, 109, 2);
            atCheckpoint = store.digest(null, null);
            store.put(finished("after", 5, 5), null, 110, 2); // not in the checkpoint

            store.restore(checkpoint, 109);

            assertThat(store.digest(null, null)).isEqualTo(atCheckpoint);
            assertThat(atCheckpoint.index()).isEqualTo(109);
            assertThat(store.get("after")).isNull();
            assertThat(store.count()).isEqualTo(100);
            store.put(finished("again", 5, 5), null, 110, 2);
        }
        // a restart (a new store on the same live directory) starts empty until a checkpoint is restored
        try (RocksFinishedStore restarted = RocksFinishedStore.openEmpty(dir.resolve("live"))) {
            assertThat(restarted.count()).isZero();
            restarted.restore(checkpoint, 109);
            assertThat(restarted.digest(null, null)).isEqualTo(atCheckpoint);
        }
    }

    @Test
    void shouldRefuseACheckpointOfAnotherIndex() {
        Path checkpoint = dir.resolve("cp");
        try (RocksFinishedStore store = RocksFinishedStore.openEmpty(dir.resolve("live"))) {
            store.put(finished("g", 1, 2), null, 5, 1);
            store.checkpoint(checkpoint, 5, 1);

            assertThatThrownBy(() -> store.restore(checkpoint, 6)).hasMessageContaining("as of index 6")
                    .hasMessageContaining("as of 5");
        }
    }

    @Test
    void shouldDigestEqualStoresEquallyAndTellADifferenceByRange() throws Exception {
        try (RocksFinishedStore one = RocksFinishedStore.openEmpty(dir.resolve("one"));
             RocksFinishedStore two = RocksFinishedStore.openEmpty(dir.resolve("two"))) {
            for (int i = 0; i < 50; i++) {
                one.put(finished("g" + i, i, 100 + i), null, i, 1);
                two.put(finished("g" + i, i, 100 + i), null, i, 1);
            }
            one.expire(110, 1_000, 100, 60, 1);
            two.expire(110, 1_000, 100, 60, 1);
            assertThat(one.digest(null, null)).isEqualTo(two.digest(null, null));

            two.put(finished("extra", 1, 1), null, 61, 1);
            byte[] tx = {'t'};
            byte[] afterTx = {'u'};
            assertThat(one.digest(tx, afterTx).keys()).isEqualTo(40);
            assertThat(two.digest(tx, afterTx).keys()).isEqualTo(41);
            assertThat(one.digest(tx, afterTx).sha256()).isNotEqualTo(two.digest(tx, afterTx).sha256());
        }
        assertThat(Files.exists(dir.resolve("one"))).isTrue();
    }
}
