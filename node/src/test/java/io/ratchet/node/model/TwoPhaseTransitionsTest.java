package io.ratchet.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TCC and XA: prepare, register, then the second phase forward on submit or backward on abort, in order. */
class TwoPhaseTransitionsTest {

    private final SagaFixture model = new SagaFixture();

    private void prepare(TransType type, long timeoutMs) {
        model.apply(new Command.Prepare("g1", type, "",
                new TransOptions(false, timeoutMs, 10_000, 3_000, Map.of(), false, 0, Map.of())));
    }

    private Outcome register(String branchId) {
        return model.apply(new Command.RegisterBranch("g1", branchId, "{}", "http://svc/do" + branchId,
                "http://svc/undo" + branchId));
    }

    private Outcome report(String branchId, BranchOp op, BranchResult result) {
        return model.apply(new Command.ReportBranch("g1", branchId, op, BranchStatus.PREPARED, result, ""));
    }

    @Test
    void shouldConfirmTccBranchesInReverseRegistrationOrder() {
        prepare(TransType.TCC, 0);
        register("01");
        register("02");
        model.apply(new Command.Submit("g1", TransType.TCC, java.util.List.of(), java.util.List.of(), "",
                model.tx.options()));

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUBMITTED);
        assertThat(TwoPhaseTransitions.nextRow(model.tx)).isEqualTo(3); // 02/confirm
        assertThat(report("01", BranchOp.CONFIRM, BranchResult.SUCCESS)).isInstanceOf(Outcome.Rejected.class);
        report("02", BranchOp.CONFIRM, BranchResult.SUCCESS);
        report("01", BranchOp.CONFIRM, BranchResult.FAILURE); // must eventually succeed: retried
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUBMITTED);
        report("01", BranchOp.CONFIRM, BranchResult.SUCCESS);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUCCEED);
        assertThat(model.rowStatuses()).containsExactly("prepared", "succeed", "prepared", "succeed");
    }

    @Test
    void shouldCommitAndRollBackXaBranchesInRegistrationOrder() {
        prepare(TransType.XA, 0);
        register("01");
        register("02");
        model.apply(new Command.Submit("g1", TransType.XA, java.util.List.of(), java.util.List.of(), "",
                model.tx.options()));
        assertThat(TwoPhaseTransitions.nextRow(model.tx)).isEqualTo(1); // 01/commit

        SagaFixture other = new SagaFixture();
        other.apply(new Command.Prepare("g2", TransType.XA, "", model.tx.options()));
        other.apply(new Command.RegisterBranch("g2", "01", "", "http://svc/x", "http://svc/x"));
        other.apply(new Command.RegisterBranch("g2", "02", "", "http://svc/x", "http://svc/x"));
        other.apply(new Command.Abort("g2", GlobalStatus.PREPARED, "app abort"));
        assertThat(other.tx.status()).isEqualTo(GlobalStatus.ABORTING);
        assertThat(TwoPhaseTransitions.nextRow(other.tx)).isEqualTo(0); // 01/rollback, as DTM
    }

    @Test
    void shouldRefuseRegistrationOnceTheTransactionLeftPreparedOrTimedOut() {
        prepare(TransType.TCC, 5_000);
        register("01");
        model.nowMs += 5_000;

        Outcome late = register("02");

        assertThat(late).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) late).rejection().message()).contains("timed out");
        model.apply(new Command.Abort("g1", GlobalStatus.PREPARED, "timeout"));
        assertThat(register("03")).isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void shouldCancelAndFailOnAbortAndTreatARepeatedAbortAsDone() {
        prepare(TransType.TCC, 0);
        register("01");
        model.apply(new Command.Abort("g1", GlobalStatus.PREPARED, "app abort"));
        assertThat(model.apply(new Command.Abort("g1", GlobalStatus.PREPARED, "again")))
                .isInstanceOf(Outcome.Accepted.class);

        report("01", BranchOp.CANCEL, BranchResult.SUCCESS);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.FAILED);
        assertThat(model.rowStatuses()).containsExactly("succeed", "prepared");
    }

    @Test
    void shouldForceStopWithoutCompensatingAndRefuseItWhenFinal() {
        prepare(TransType.TCC, 0);
        register("01");

        model.apply(new Command.ForceStop("g1"));

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.FAILED);
        assertThat(model.rowStatuses()).containsExactly("prepared", "prepared");
        assertThat(model.apply(new Command.ForceStop("g1"))).isInstanceOf(Outcome.Rejected.class);
        assertThat(model.apply(new Command.ResetNextAttempt("g1"))).isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void shouldMakeARetryingTransactionDueNowOnReset() {
        prepare(TransType.TCC, 0);
        register("01");
        model.apply(new Command.Submit("g1", TransType.TCC, java.util.List.of(), java.util.List.of(), "",
                model.tx.options()));
        report("01", BranchOp.CONFIRM, BranchResult.ERROR);
        assertThat(model.tx.nextAttemptAtMs()).isGreaterThan(model.nowMs);

        model.nowMs += 1;
        model.apply(new Command.ResetNextAttempt("g1"));

        assertThat(model.tx.nextAttemptAtMs()).isEqualTo(model.nowMs);
    }
}
