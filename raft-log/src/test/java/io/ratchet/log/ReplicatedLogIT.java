package io.ratchet.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ratchet.log.testing.DigestApplier;
import io.ratchet.log.testing.LogTestCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three raft-log members in one JVM over real sockets: replication, failover, snapshots and restarts. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplicatedLogIT {

    @TempDir
    Path dir;

    @Test
    void shouldApplyIdenticalCommandsOnEveryMemberWithManyInFlight() throws Exception {
        try (LogTestCluster<DigestApplier> cluster = LogTestCluster.ofThree(dir)) {
            cluster.awaitLeader();

            // when: 10,000 commands, 500 in flight, spread over all three members
            List<CompletableFuture<byte[]>> replies = submitAll(cluster, "cmd-", 10_000, 500);

            // then: every submitter got its own reply, and the three appliers and journals are identical
            Set<Long> counts = new HashSet<>();
            for (CompletableFuture<byte[]> reply : replies) {
                counts.add(ByteBuffer.wrap(reply.join()).getLong());
            }
            assertThat(counts).hasSize(10_000);
            Map<String, String> digests = cluster.awaitConvergedDigests(Duration.ofSeconds(30));
            assertThat(digests.values()).allMatch(d -> d.endsWith("/10000"));
            awaitEqualAppliedIndexes(cluster);

            cluster.close();
            Set<String> journals = new HashSet<>();
            for (String id : cluster.ids()) {
                journals.add(cluster.journalDigest(id));
            }
            assertThat(journals).hasSize(1);
        }
    }

    @Test
    void shouldElectNewLeaderQuicklyAndKeepEveryAcknowledgedCommandWhenLeaderIsClosed() throws Exception {
        try (LogTestCluster<DigestApplier> cluster = LogTestCluster.ofThree(dir)) {
            String leader = cluster.awaitLeader();
            List<String> followers = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();

            // given: a steady load through the followers
            AtomicBoolean running = new AtomicBoolean(true);
            Map<String, CompletableFuture<byte[]>> inFlight = new ConcurrentHashMap<>();
            Thread load = new Thread(() -> {
                Semaphore permits = new Semaphore(64);
                for (int i = 0; running.get(); i++) {
                    permits.acquireUninterruptibly();
                    String command = "load-" + i;
                    CompletableFuture<byte[]> reply = cluster.member(followers.get(i % 2))
                            .submit(command.getBytes(StandardCharsets.UTF_8));
                    inFlight.put(command, reply);
                    reply.whenComplete((r, e) -> permits.release());
                }
            });
            load.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.values().stream().filter(f -> f.isDone()
                    && !f.isCompletedExceptionally()).count() > 500);

            // when: the leader goes away without a word
            long closedAt = System.nanoTime();
            cluster.stop(leader);
            String newLeader = cluster.awaitLeader(Duration.ofSeconds(10));
            long electionMs = (System.nanoTime() - closedAt) / 1_000_000;
            await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.values().stream().filter(f -> f.isDone()
                    && !f.isCompletedExceptionally()).count() > 1_500);
            running.set(false);
            load.join();

            // then
            assertThat(newLeader).isNotEqualTo(leader);
            assertThat(electionMs).as("new leader after %d ms", electionMs).isLessThan(2_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> inFlight.values().stream().allMatch(CompletableFuture::isDone));
            List<String> acknowledged = new ArrayList<>();
            inFlight.forEach((command, reply) -> {
                if (reply.isCompletedExceptionally()) {
                    Throwable failure = reply.handle((r, e) -> e).join();
                    assertThat(failure).isInstanceOf(LogException.class);
                    assertThat(((LogException) failure).retriable()).as(failure.toString()).isTrue();
                } else {
                    acknowledged.add(command);
                }
            });
            Map<String, String> digests = cluster.awaitConvergedDigests(Duration.ofSeconds(30));
            assertThat(digests).hasSize(2);
            for (String id : followers) {
                assertThat(cluster.applier(id).commands()).containsAll(acknowledged);
            }

            // and the old leader rejoins and catches up
            cluster.start(leader);
            assertThat(cluster.awaitConvergedDigests(Duration.ofSeconds(30))).hasSize(3);
            assertThat(cluster.applier(leader).commands()).containsAll(acknowledged);
        }
    }

    @Test
    void shouldKeepTheEntriesAStoppedMemberLacksThroughSnapshotsAndCatchItUpFromTheLog() throws Exception {
        try (LogTestCluster<DigestApplier> cluster = LogTestCluster.ofThree(dir,
                o -> o.withSnapshots(1_000_000, 2).withLogSegmentBytes(3L << 20))) {
            String leader = cluster.awaitLeader();
            submitAll(cluster, "before-", 1_000, 100);
            String stopped = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            long stoppedAt = cluster.member(stopped).status().appliedIndex();
            cluster.stop(stopped);

            // given: 5,000 more 1 KiB commands (several log segments, a new one per term too), then snapshots
            String pad = "x".repeat(1_000);
            for (int i = 0; i < 5_000; i += 500) {
                List<CompletableFuture<byte[]>> batch = new ArrayList<>();
                for (int j = i; j < i + 500; j++) {
                    batch.add(cluster.member(leader).submit(("after-" + j + pad).getBytes(StandardCharsets.UTF_8)));
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
            for (ReplicatedLog member : cluster.running()) {
                assertThat(member.takeSnapshot().get(60, TimeUnit.SECONDS)).isPositive();
            }

            // then: no member purges the entry the stopped one holds last, which the leader must send it first as
            // the previous entry (purging it left Ratis's appender dead, the follower stuck: RatisProperties)
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> cluster.running().stream()
                    .allMatch(m -> m.status().logStartIndex() <= stoppedAt));

            // when
            cluster.start(stopped);

            // then: it catches up from the log, without a snapshot installed
            Map<String, String> digests = cluster.awaitConvergedDigests(Duration.ofSeconds(60));
            assertThat(digests.values()).allMatch(d -> d.endsWith("/6000"));
            assertThat(cluster.member(stopped).status().snapshotIndex()).isEqualTo(-1);
        }
    }

    @Test
    void shouldKeepApplyingWhileASnapshotIsWrittenAndPublishItOnceItIsOnDisk() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger writesStarted = new AtomicInteger();
        try (LogTestCluster<GatedApplier> cluster = LogTestCluster.ofThree(dir, o -> o.withSnapshots(1_000_000, 2),
                () -> new GatedApplier(release, writesStarted))) {
            String leader = cluster.awaitLeader();
            submitAll(cluster, "before-", 200, 50);
            ReplicatedLog member = cluster.member(leader);
            long appliedAtRequest = member.status().appliedIndex();

            // given: a snapshot whose image write is held
            CompletableFuture<Long> snapshot = member.takeSnapshot();
            await().atMost(Duration.ofSeconds(10)).until(() -> writesStarted.get() == 1);

            // when: more commands come meanwhile
            List<CompletableFuture<byte[]>> during = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                during.add(member.submit(("during-" + i).getBytes(StandardCharsets.UTF_8)));
            }

            // then: they commit and apply on the member writing, which has not published the snapshot yet
            CompletableFuture.allOf(during.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(cluster.applier(leader).delegate.count()).isEqualTo(400);
            assertThat(snapshot).isNotDone();
            assertThat(member.status().snapshotIndex()).isEqualTo(-1);

            // and once the write is through, the snapshot is published at the index it was asked at
            release.countDown();
            long index = snapshot.get(30, TimeUnit.SECONDS);
            assertThat(index).isGreaterThanOrEqualTo(appliedAtRequest).isLessThan(member.status().appliedIndex());
            assertThat(member.status().snapshotIndex()).isEqualTo(index);

            // and a restart of that member restores it, then replays the journal after it
            cluster.stop(leader);
            cluster.start(leader);
            assertThat(cluster.member(leader).status().snapshotIndex()).isEqualTo(index);
            assertThat(cluster.awaitConvergedDigests(Duration.ofSeconds(30)).values())
                    .allMatch(d -> d.endsWith("/400"));
        }
    }

    /** A {@link DigestApplier} whose snapshot images wait for a latch before they are written. */
    static final class GatedApplier implements LogApplier {
        final DigestApplier delegate = new DigestApplier();
        private final CountDownLatch release;
        private final AtomicInteger writesStarted;

        GatedApplier(CountDownLatch release, AtomicInteger writesStarted) {
            this.release = release;
            this.writesStarted = writesStarted;
        }

        @Override
        public byte[] apply(LogEntry entry) {
            return delegate.apply(entry);
        }

        @Override
        public byte[] query(byte[] request) {
            return delegate.query(request);
        }

        @Override
        public Image captureSnapshot(Path files) {
            Image image = delegate.captureSnapshot(files);
            return out -> {
                writesStarted.incrementAndGet();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new java.io.IOException("The test never released the snapshot write");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("Interrupted while held");
                }
                image.writeTo(out);
            };
        }

        @Override
        public void restore(java.io.InputStream in, Path files) throws java.io.IOException {
            delegate.restore(in, files);
        }
    }

    @Test
    void shouldRecoverIdenticalStateAfterFullRestartAndReplayEqualsLive() throws Exception {
        Map<String, String> before;
        Map<String, String> live;
        Map<String, Long> appliedBefore = new java.util.HashMap<>();
        LogTestCluster<DigestApplier> cluster = LogTestCluster.ofThree(dir, o -> o.withSnapshots(100, 2));
        try {
            cluster.awaitLeader();
            submitAll(cluster, "live-", 3_000, 200);
            before = cluster.awaitConvergedDigests(Duration.ofSeconds(30));
            awaitEqualAppliedIndexes(cluster);
            for (String id : cluster.ids()) {
                appliedBefore.put(id, cluster.member(id).status().appliedIndex());
            }
        } finally {
            cluster.close();
        }

        // when: all three restart from disk
        for (String id : cluster.ids()) {
            cluster.start(id);
        }
        try {
            // then: the state and applied index are back before any new entry is applied
            for (String id : cluster.ids()) {
                assertThat(cluster.applier(id).digest()).isEqualTo(before.get(id));
                assertThat(cluster.member(id).status().appliedIndex()).isEqualTo(appliedBefore.get(id));
            }
            cluster.awaitLeader();
            submitAll(cluster, "after-restart-", 100, 50);
            live = cluster.awaitConvergedDigests(Duration.ofSeconds(30));
            assertThat(live.values()).allMatch(d -> d.endsWith("/3100"));
        } finally {
            cluster.close();
        }

        // and: rebuilding an applier from the journal alone (no snapshot) gives the live digest
        for (String id : cluster.ids()) {
            DigestApplier rebuilt = new DigestApplier();
            io.ratchet.log.ratis.JournalReplay.replayInto(cluster.journalDir(id), rebuilt);
            assertThat(rebuilt.digest()).isEqualTo(live.get(id));
        }
    }

    @Test
    void shouldRecoverCommittedEntriesWhenJournalTailIsCorrupt() throws Exception {
        try (LogTestCluster<DigestApplier> cluster = LogTestCluster.ofThree(dir)) {
            String leader = cluster.awaitLeader();
            submitAll(cluster, "ok-", 500, 50);
            // a marker command, which will be the last record of every journal
            cluster.member(leader).submit("CORRUPT-ME-MARKER".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
            Map<String, String> before = cluster.awaitConvergedDigests(Duration.ofSeconds(30));
            String victim = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            cluster.stop(victim);

            // given: the victim's last journal record is damaged on disk, as a torn write would leave it
            int damaged = JournalFiles.flipByteOf(cluster.journalDir(victim), "CORRUPT-ME-MARKER");
            assertThat(damaged).isEqualTo(1);

            // when
            cluster.start(victim);

            // then: it gets the committed entry back from the Raft log
            assertThat(cluster.awaitConvergedDigests(Duration.ofSeconds(30)).get(victim)).isEqualTo(before.get(leader));
            submitAll(cluster, "more-", 100, 50);
            assertThat(cluster.awaitConvergedDigests(Duration.ofSeconds(30)).values()).allMatch(d -> d.endsWith("/601"));

            // and its journal shows the damaged record skipped and the entry re-appended after it
            cluster.stop(victim);
            DigestApplier rebuilt = new DigestApplier();
            var replay = io.ratchet.log.ratis.JournalReplay.replayInto(cluster.journalDir(victim), rebuilt);
            assertThat(replay.skippedCorrupt()).isEqualTo(1);
            assertThat(rebuilt.commands()).contains("CORRUPT-ME-MARKER");
            assertThat(rebuilt.count()).isEqualTo(601);
        }
    }

    static void awaitEqualAppliedIndexes(LogTestCluster<?> cluster) {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                cluster.running().stream().map(m -> m.status().appliedIndex()).distinct().count() == 1);
    }

    /** Submits {@code n} commands spread over the running members, at most {@code inFlight} at a time. */
    static List<CompletableFuture<byte[]>> submitAll(LogTestCluster<?> cluster, String prefix, int n, int inFlight)
            throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        List<ReplicatedLog> members = cluster.running();
        List<CompletableFuture<byte[]>> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            permits.acquire();
            CompletableFuture<byte[]> reply = members.get(i % members.size())
                    .submit((prefix + i).getBytes(StandardCharsets.UTF_8));
            reply.whenComplete((r, e) -> permits.release());
            replies.add(reply);
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return replies;
    }
}
