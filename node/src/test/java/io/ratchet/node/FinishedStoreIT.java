package io.ratchet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.log.ratis.JournalReplay;
import io.ratchet.node.metrics.NodeMetrics;
import io.ratchet.node.model.TransactionStore;
import io.ratchet.node.store.RocksFinishedStore;
import io.ratchet.node.store.StoreDigest;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Finished transactions on disk, on three node processes: served by every member from its RocksDB store, equal on
 * every member and to a replay of the journal, shipped inside a snapshot to a member that lost its data, and intact
 * after a node is killed while it checkpoints.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FinishedStoreIT {

    /** Small snapshots, so that restarts and installs go through a checkpoint and a journal tail. */
    private static final String CONF = "ratchet.snapshot { threshold-entries = 150, log-segment-size = 3MiB }";

    private BusinessService service;
    private ProcessCluster cluster;
    private String leader;

    @BeforeEach
    void start() throws Exception {
        service = BusinessService.start();
        cluster = ProcessCluster.start(Files.createTempDirectory("finished-store-it"), CONF);
        leader = cluster.awaitLeader(Duration.ofSeconds(90));
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private DtmClient client(String id) {
        return new DtmClient(cluster.url(id));
    }

    private String follower() {
        return cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    /** Submits sagas through every node in turn and waits until each is finished; returns their gids. */
    private List<String> runSagas(String prefix, int count) {
        List<String> gids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String gid = prefix + "-" + i;
            DtmClient via = client(cluster.ids().get(i % 3));
            DtmClient.Reply reply = via.post("/api/dtmsvr/submit", DtmClient.saga(gid,
                    List.<String[]>of(new String[]{service.url("/a"), service.url("/ac")},
                            new String[]{service.url("/b"), service.url("/bc")}), List.of("{\"n\":" + i + "}", "")));
            assertThat(reply.status()).as("submit %s: %s", gid, reply.body()).isEqualTo(200);
            gids.add(gid);
        }
        DtmClient any = client(leader);
        gids.forEach(gid -> assertThat(any.awaitFinal(gid, Duration.ofSeconds(60)).path("transaction")
                .path("status").asText()).isEqualTo("succeed"));
        return gids;
    }

    @Test
    void shouldServeFinishedTransactionsFromDiskOnEveryMemberAndReplayToTheSameStore() throws Exception {
        List<String> gids = runSagas("served", 40);

        JsonNode digest = cluster.awaitEqualFinishedStores(cluster.ids());
        // 40 transactions, each under three keys (by gid, by creation, by finish), and the two meta keys
        assertThat(digest.path("keys").asLong()).isEqualTo(40 * 3 + 2);
        for (String id : cluster.ids()) {
            DtmClient node = client(id);
            assertThat(node.query(gids.get(7)).path("transaction").path("status").asText()).isEqualTo("succeed");
            DtmClient.Reply detail = node.get("/api/ratchet/transactions/" + gids.get(7));
            assertThat(detail.status()).isEqualTo(200);
            assertThat(detail.body().path("timeline").size()).isGreaterThanOrEqualTo(3);
            JsonNode metrics = node.get("/api/ratchet/metrics").body();
            assertThat(metrics.path("ratchet.transactions.finished_stored").asLong()).isEqualTo(40);
            assertThat(metrics.path("ratchet.transactions.unfinished").asLong()).isZero();
        }
        // all pages through the finished store, newest first, with a cursor
        Set<String> listed = new HashSet<>();
        String position = "";
        do {
            JsonNode page = client(follower()).get("/api/dtmsvr/all?limit=7&position=" + position).body();
            page.path("transactions").forEach(t -> listed.add(t.path("gid").asText()));
            position = page.path("next_position").asText();
        } while (!position.isEmpty());
        assertThat(listed).containsExactlyInAnyOrderElementsOf(gids);

        // replay equals live: n1's journal alone, applied to a fresh node state machine, gives the same store
        String id = cluster.ids().get(0);
        cluster.close();
        Path replayDir = Files.createTempDirectory("replayed-store");
        try (RocksFinishedStore replayed = RocksFinishedStore.openEmpty(replayDir)) {
            TransactionStore store = new TransactionStore(replayed);
            JournalReplay.replayInto(cluster.dataDir(id).resolve("journal"),
                    new NodeApplier(store, replayed, new NodeMetrics(store)));
            StoreDigest again = replayed.digest(null, null);
            assertThat(again.index()).isEqualTo(digest.path("index").asLong());
            assertThat(again.sha256()).isEqualTo(digest.path("sha256").asText());
        }
    }

    @Test
    void shouldInstallTheSnapshotWithItsFinishedStoreOnAMemberThatLostItsDataAndServeOldGids() throws Exception {
        List<String> old = runSagas("old", 60);
        // A new term closes the Raft log segment, and snapshots on every member then let the log be purged past
        // what a member with no data would need: it can only catch up by installing a snapshot.
        cluster.kill(leader);
        cluster.start(leader);
        leader = cluster.awaitLeader(Duration.ofSeconds(90));
        runSagas("between", 20);
        for (String id : cluster.ids()) {
            assertThat(client(id).post("/api/ratchet/snapshot", "{}").status()).isEqualTo(200);
        }
        runSagas("settle", 5);
        for (String id : cluster.ids()) {
            assertThat(client(id).post("/api/ratchet/snapshot", "{}").status()).isEqualTo(200);
        }

        String lost = follower();
        cluster.kill(lost);
        deleteTree(cluster.dataDir(lost));
        // A leader remembers how far each follower matched its log and keeps sending from there, so a member that
        // lost its data catches up under the next leader, which starts from what the member says it has (README).
        cluster.kill(leader);
        cluster.start(leader);
        cluster.start(lost);
        leader = cluster.awaitLeader(Duration.ofSeconds(90));

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.log(lost).contains("installing snapshot"));
        assertThat(client(lost).query(old.get(3)).path("transaction").path("status").asText()).isEqualTo("succeed");
        cluster.awaitEqualFinishedStores(cluster.ids());
        // it applies new work after the snapshot too
        List<String> after = runSagas("after", 5);
        assertThat(client(lost).query(after.get(4)).path("transaction").path("status").asText()).isEqualTo("succeed");
        cluster.awaitEqualFinishedStores(cluster.ids());
    }

    @Test
    void shouldRecoverEveryFinishedTransactionAfterAKillDuringACheckpoint() throws Exception {
        String victim = follower();
        List<String> gids = new ArrayList<>(runSagas("before-kill", 30));
        for (int round = 0; round < 3; round++) {
            gids.addAll(runSagas("round" + round, 15));
            DtmClient node = client(victim);
            Thread snapshot = new Thread(() -> {
                try {
                    node.post("/api/ratchet/snapshot", "{}");
                } catch (RuntimeException e) {
                    // the node dies under it
                }
            });
            snapshot.start();
            // up to 30 ms into the snapshot request: before, during or after its checkpoint
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(31));
            await().pollInterval(Duration.ofMillis(1)).until(() -> System.nanoTime() >= killAt);
            cluster.kill(victim);
            snapshot.join();
            cluster.start(victim);
            await().atMost(Duration.ofSeconds(90)).until(() -> cluster.status(victim).isPresent());
        }

        cluster.awaitEqualFinishedStores(cluster.ids());
        DtmClient node = client(victim);
        for (String gid : gids) {
            assertThat(node.awaitQuery(gid, Duration.ofSeconds(30)).path("transaction").path("status").asText()).as(gid)
                    .isEqualTo("succeed");
        }
        try (Stream<Path> files = Files.walk(cluster.dataDir(victim).resolve("raft"))) {
            // no checkpoint directory is left without its snapshot file
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".files"))
                    .filter(p -> !Files.exists(p.resolveSibling(p.getFileName().toString().replace(".files", "")))))
                    .isEmpty();
        }
    }

    static void deleteTree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
