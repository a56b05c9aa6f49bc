package io.ratchet.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.chaos.check.Invariant;
import io.ratchet.chaos.check.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The smoke profile of the chaos suite, inside {@code mvn verify}: three real node processes and the bank process,
 * sagas from many clients while the leader is killed again and again, while the network between nodes is cut and
 * slowed, and while nodes are killed in restart, in snapshot and all at once; every invariant must hold. And the
 * deliberately broken build must be caught. Seeds are printed; {@code -Dchaos.seed=N} replays one.
 */
class ChaosSmokeIT {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldKeepEveryInvariantWhileTheLeaderIsKilledOverAndOver() throws Exception {
        // 20 s of load, then the nemesis goes on until its tenth kill (each waits for the cluster to recover)
        ChaosRun.Result result = new ChaosRun("leader-kill", SEED, List.of())
                .run(REPO, Files.createTempDirectory("chaos-leader-kill"), 20, 50);
        System.out.print(result.table());

        assertThat(result.verdicts()).as(result.table()).allMatch(Verdict::held);
        assertThat(result.kills()).as("leader kills").isGreaterThanOrEqualTo(10);
        assertThat(result.acknowledged()).as("acknowledged sagas").isGreaterThanOrEqualTo(2_000);
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void shouldKeepEveryInvariantWhileTheNetworkIsCutAndSlowed() throws Exception {
        assertEveryInvariantHeld(new ChaosRun("partition", SEED, List.of())
                .run(REPO, Files.createTempDirectory("chaos-partition"), 60, 50));
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void shouldKeepEveryInvariantWhileNodesDieInRestartInSnapshotAndAllAtOnce() throws Exception {
        assertEveryInvariantHeld(new ChaosRun("restart", SEED, List.of())
                .run(REPO, Files.createTempDirectory("chaos-restart"), 60, 50));
    }

    private static void assertEveryInvariantHeld(ChaosRun.Result result) {
        System.out.print(result.table());
        assertThat(result.verdicts()).as(result.table()).allMatch(Verdict::held);
        assertThat(result.faults()).as("faults").hasSizeGreaterThanOrEqualTo(6);
        assertThat(result.acknowledged()).as("acknowledged sagas").isGreaterThanOrEqualTo(2_000);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void shouldCatchTheBuildThatSkipsTheLastCompensation() throws Exception {
        ChaosRun.Result result = new ChaosRun("none", SEED, List.of("-Dratchet.chaos.broken-compensation=true"))
                .run(REPO, Files.createTempDirectory("chaos-broken"), 15, 50);
        System.out.print(result.table());

        Verdict compensation = result.verdicts().stream()
                .filter(v -> v.invariant() == Invariant.COMPENSATED_IN_REVERSE).findFirst().orElseThrow();
        assertThat(compensation.held()).as(result.table()).isFalse();
        assertThat(compensation.counterExamples()).allMatch(c -> c.contains("compensations"));
    }
}
