package io.ratchet.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Random command sequences (seeded; the seed is in the failure message) against random sagas: after every step the
 * status rules hold. Safety only; liveness is the engine's.
 */
class TransitionsPropertyTest {

    private static final long BASE_SEED = Long.getLong("transitions.seed", 20261124L);
    private static final Map<GlobalStatus, Set<GlobalStatus>> LEGAL = Map.of(
            GlobalStatus.SUBMITTED, Set.of(GlobalStatus.SUBMITTED, GlobalStatus.ABORTING, GlobalStatus.SUCCEED),
            GlobalStatus.ABORTING, Set.of(GlobalStatus.ABORTING, GlobalStatus.FAILED),
            GlobalStatus.SUCCEED, Set.of(GlobalStatus.SUCCEED),
            GlobalStatus.FAILED, Set.of(GlobalStatus.FAILED));

    @RepeatedTest(500)
    void shouldNeverBreakTheStatusRules(RepetitionInfo repetition) {
        long seed = BASE_SEED + repetition.getCurrentRepetition();
        Random random = new Random(seed);
        SagaFixture model = new SagaFixture();
        int steps = 1 + random.nextInt(5);
        boolean concurrent = random.nextBoolean();
        Map<Integer, List<Integer>> orders = new HashMap<>();
        if (concurrent) {
            for (int i = 1; i < steps; i++) {
                if (random.nextBoolean()) {
                    orders.put(i, List.of(random.nextInt(i)));
                }
            }
        }
        model.apply(SagaFixture.saga("g", steps, concurrent, orders, random.nextInt(4)));
        List<String> trace = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            GlobalTransaction before = model.tx;
            Command command = randomCommand(random, before);
            model.nowMs += random.nextInt(20_000);
            Outcome outcome = model.apply(command);
            trace.add(command + " -> " + outcome.getClass().getSimpleName());
            String where = "seed " + seed + " (-Dtransitions.seed=" + BASE_SEED + "), step " + i + ", last commands: "
                    + trace.subList(Math.max(0, trace.size() - 6), trace.size());
            GlobalTransaction after = model.tx;
            assertThat(LEGAL.get(before.status())).as(where).contains(after.status());
            if (before.status().isFinal()) {
                assertThat(after).as(where).isEqualTo(before);
            }
            if (after.status() == GlobalStatus.SUCCEED) {
                for (int s = 0; s < steps; s++) {
                    assertThat(after.action(s).status()).as(where).isEqualTo(BranchStatus.SUCCEED);
                    assertThat(after.compensate(s).status()).as(where).isEqualTo(BranchStatus.PREPARED);
                }
            }
            if (after.status() == GlobalStatus.FAILED) {
                assertThat(Transitions.compensationsDone(after, range(steps))).as(where).isTrue();
            }
            for (int s = 0; s < steps; s++) {
                // a compensation is never done before the compensations of the steps that depend on it
                if (after.compensate(s).status() == BranchStatus.SUCCEED) {
                    assertThat(Transitions.compensationsDone(after, after.compensateAfter(s))).as(where).isTrue();
                }
                // an action never succeeds before the steps it waits for
                if (after.action(s).status() == BranchStatus.SUCCEED) {
                    assertThat(after.actionReady(s)).as(where).isTrue();
                }
            }
        }
    }

    private static Command randomCommand(Random random, GlobalTransaction tx) {
        int step = random.nextInt(tx.steps().size());
        return switch (random.nextInt(10)) {
            case 0 -> new Command.Abort(tx.gid(), random.nextBoolean() ? GlobalStatus.SUBMITTED : GlobalStatus.ABORTING,
                    "timeout");
            case 1 -> SagaFixture.saga(tx.gid(), tx.steps().size(), tx.options().concurrent(), tx.options().orders(), 0);
            default -> new Command.ReportBranch(tx.gid(), GlobalTransaction.branchId(step),
                    random.nextBoolean() ? BranchOp.ACTION : BranchOp.COMPENSATE,
                    random.nextInt(5) == 0 ? BranchStatus.SUCCEED : BranchStatus.PREPARED,
                    BranchResult.values()[random.nextInt(BranchResult.values().length)], "x");
        };
    }

    private static List<Integer> range(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }
}
