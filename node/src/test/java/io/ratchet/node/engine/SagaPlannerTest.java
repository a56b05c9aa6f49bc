package io.ratchet.node.engine;

import static io.ratchet.api.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.node.model.BranchResult;
import io.ratchet.node.model.SagaFixture;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the engine calls next, from committed state only. */
class SagaPlannerTest {

    private final SagaFixture model = new SagaFixture();

    @Test
    void shouldCallSequentialActionsOneAtATimeInStepOrder() {
        model.apply(SagaFixture.saga("g1", 3, false, Map.of(), 0));

        assertThat(plan(Set.of()).callRows()).containsExactly(1);
        assertThat(plan(Set.of(1)).callRows()).isEmpty();
        model.report(0, ACTION, BranchResult.SUCCESS);
        assertThat(plan(Set.of()).callRows()).containsExactly(3);
    }

    @Test
    void shouldCallConcurrentActionsWhoseOrdersAreMet() {
        model.apply(SagaFixture.saga("g1", 3, true, Map.of(2, List.of(0)), 0));

        assertThat(plan(Set.of()).callRows()).containsExactly(1, 3);
        model.report(0, ACTION, BranchResult.SUCCESS);
        assertThat(plan(Set.of(3)).callRows()).containsExactly(5);
    }

    @Test
    void shouldCompensateStartedStepsInReverseOneAtATime() {
        model.apply(SagaFixture.saga("g1", 3, false, Map.of(), 0));
        model.report(0, ACTION, BranchResult.SUCCESS);
        model.report(1, ACTION, BranchResult.FAILURE);

        assertThat(plan(Set.of()).callRows()).containsExactly(2);
        model.report(1, io.ratchet.api.BranchOp.COMPENSATE, BranchResult.SUCCESS);
        assertThat(plan(Set.of()).callRows()).containsExactly(0);
    }

    @Test
    void shouldWaitUntilTheNextAttemptAfterAnError() {
        model.apply(SagaFixture.saga("g1", 1, false, Map.of(), 0));
        model.report(0, ACTION, BranchResult.ERROR);

        Plan early = plan(Set.of());
        assertThat(early.callRows()).isEmpty();
        assertThat(early.wakeAtMs()).isEqualTo(model.nowMs + 20_000);

        model.nowMs += 20_000;
        assertThat(plan(Set.of()).callRows()).containsExactly(1);
    }

    @Test
    void shouldAbortWhenTimeoutToFailHasPassed() {
        var submit = SagaFixture.saga("g1", 1, false, Map.of(), 0);
        var options = new io.ratchet.node.model.TransOptions(false, 5_000, 1_000, 3_000, Map.of(), false, 0, Map.of());
        model.apply(new io.ratchet.node.model.Command.Submit("g1", submit.transType(), submit.steps(),
                submit.payloads(), "", options));

        assertThat(plan(Set.of()).abortReason()).isNull();
        model.nowMs += 5_000;
        assertThat(plan(Set.of()).abortReason()).startsWith("Timeout after");
    }

    private Plan plan(Set<Integer> inFlight) {
        return SagaPlanner.plan(model.tx, model.nowMs, inFlight);
    }
}
