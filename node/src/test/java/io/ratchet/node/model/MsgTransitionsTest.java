package io.ratchet.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two-phase messages: delivery in order, delay, and the back-check of a prepared message. */
class MsgTransitionsTest {

    private final SagaFixture model = new SagaFixture();
    private final TransOptions options = new TransOptions(false, 5_000, 1_000, 3_000, Map.of(), false, 0, Map.of());
    private final List<Step> steps = List.of(new Step("http://svc/a0", ""), new Step("http://svc/a1", ""));

    private Outcome report(String branchId, BranchOp op, BranchResult result) {
        return model.apply(new Command.ReportBranch("g1", branchId, op, BranchStatus.PREPARED, result, "x"));
    }

    @Test
    void shouldDeliverActionsInOrderRetryingFailuresAndHonourTheDelay() {
        model.apply(new Command.Submit("g1", TransType.MSG, steps, List.of("", ""), "{\"delay\":3}", options));
        assertThat(model.tx.nextAttemptAtMs()).isEqualTo(model.nowMs + 3_000);

        assertThat(report("02", BranchOp.ACTION, BranchResult.SUCCESS)).isInstanceOf(Outcome.Rejected.class);
        report("01", BranchOp.ACTION, BranchResult.FAILURE);
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUBMITTED);
        report("01", BranchOp.ACTION, BranchResult.SUCCESS);
        report("02", BranchOp.ACTION, BranchResult.SUCCESS);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUCCEED);
    }

    @Test
    void shouldReleaseAPreparedMessageOnASuccessfulBackCheck() {
        model.apply(new Command.PrepareMessage("g1", steps, List.of(), "", "http://svc/query", options));
        assertThat(MsgTransitions.backCheckDueMs(model.tx)).isEqualTo(model.nowMs + 5_000);

        report("00", BranchOp.MSG, BranchResult.ONGOING);
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.PREPARED);
        report("00", BranchOp.MSG, BranchResult.SUCCESS);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUBMITTED);
        assertThat(model.events).contains(new Event.Submitted("g1"));
    }

    @Test
    void shouldFailAPreparedMessageWhoseBackCheckFails() {
        model.apply(new Command.PrepareMessage("g1", steps, List.of(), "", "http://svc/query", options));

        report("00", BranchOp.MSG, BranchResult.FAILURE);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.FAILED);
        assertThat(model.rowStatuses()).containsExactly("prepared", "prepared");
        assertThat(report("00", BranchOp.MSG, BranchResult.SUCCESS)).isInstanceOf(Outcome.Rejected.class);
    }
}
