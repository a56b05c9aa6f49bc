package io.ratchet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk under a node's journal: each node's journal directory is a small tmpfs, and the test fills the
 * leader's with a ballast file. The leader stops applying, reports unhealthy and steps down; the two others go on
 * acknowledging; once the ballast is deleted the node catches up and is healthy again, and nothing acknowledged is
 * missing anywhere. Needs permission to mount tmpfs (root in CI); skipped with a message otherwise.
 */
class DiskFaultIT {

    private static final long TMPFS_BYTES = 192L << 20;
    private static final long MIN_FREE = 64L << 20;

    @TempDir
    Path dir;

    private final List<Path> mounts = new ArrayList<>();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldStopApplyingStepDownAndRecoverWhenTheJournalDiskFillsAndFrees() throws Exception {
        Path clusterDir = Files.createDirectories(dir.resolve("cluster"));
        for (String id : List.of("n1", "n2", "n3")) {
            Path journal = Files.createDirectories(clusterDir.resolve("data/" + id + "/journal"));
            Assumptions.assumeTrue(mount(journal), "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN);"
                    + " the disk-full test is skipped");
            mounts.add(journal);
        }
        try (ProcessCluster cluster = ProcessCluster.start(clusterDir, "ratchet.storage.min-free = " + MIN_FREE);
             BusinessService service = BusinessService.start()) {
            String leader = cluster.awaitLeader(Duration.ofSeconds(90));
            List<String> acknowledged = new ArrayList<>();
            submit(cluster, service, leader, "before", acknowledged);

            // when: the leader's journal disk fills up
            Path ballast = clusterDir.resolve("data/" + leader + "/journal/ballast");
            fill(ballast, Files.getFileStore(ballast.getParent()).getUsableSpace() - MIN_FREE / 2);

            // then: it reports the fault, stops leading, and the others go on acknowledging
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.status(leader)
                    .map(s -> !s.path("healthy").asBoolean(true)).orElse(false));
            JsonNode faulty = cluster.status(leader).orElseThrow();
            assertThat(faulty.path("fault").asText()).contains("free");
            String next = await().atMost(Duration.ofSeconds(30)).until(() -> newLeader(cluster, leader),
                    l -> l != null);
            for (int i = 0; i < 5; i++) {
                submit(cluster, service, next, "during-" + i, acknowledged);
            }
            long stalledAt = cluster.status(leader).orElseThrow().path("appliedIndex").asLong();
            assertThat(cluster.status(next).orElseThrow().path("commitIndex").asLong()).isGreaterThan(stalledAt);

            // when: space is freed
            Files.delete(ballast);

            // then: healthy again, caught up, and every acknowledged saga is there
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.status(leader)
                    .map(s -> s.path("healthy").asBoolean(false)).orElse(false));
            DtmClient recovered = new DtmClient(cluster.url(leader));
            for (String gid : acknowledged) {
                assertThat(recovered.awaitFinal(gid, Duration.ofSeconds(30)).path("transaction").path("status").asText())
                        .as(gid).isEqualTo("succeed");
            }
        } finally {
            for (Path m : mounts) {
                new ProcessBuilder("umount", "-l", m.toString()).start().waitFor();
            }
        }
    }

    private static String newLeader(ProcessCluster cluster, String old) {
        for (String id : cluster.ids()) {
            if (!id.equals(old) && cluster.status(id).map(s -> s.path("role").asText().equals("leader")).orElse(false)) {
                return id;
            }
        }
        return null;
    }

    private static void submit(ProcessCluster cluster, BusinessService service, String node, String name,
                               List<String> acknowledged) {
        String gid = name + "-" + System.nanoTime();
        DtmClient.Reply reply = new DtmClient(cluster.url(node)).post("/api/dtmsvr/submit", DtmClient.saga(gid,
                List.<String[]>of(new String[]{service.url("/" + gid + "/a0"), ""}), List.of("")));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        acknowledged.add(gid);
    }

    private static boolean mount(Path at) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_BYTES, "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
            }
        }
    }
}
