package io.ratchet.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Workflows: a record the application keeps through Ratchet, and the resume calls while it stays unfinished. */
class WorkflowTransitionsTest {

    private final SagaFixture model = new SagaFixture();

    private void prepare() {
        model.apply(new Command.PrepareWorkflow("g1", "{\"name\":\"transfer\"}", "http://app/resume",
                new TransOptions(false, 2_000, 1_000, 3_000, Map.of(), false, 0, Map.of())));
    }

    @Test
    void shouldRecordProgressUpdatingARowInPlace() {
        prepare();
        model.apply(new Command.RecordProgress("g1", "01", BranchOp.ACTION, BranchStatus.PREPARED, "{}"));
        model.apply(new Command.RecordProgress("g1", "01", BranchOp.ACTION, BranchStatus.SUCCEED, "{}"));

        assertThat(model.rowStatuses()).containsExactly("succeed");
        assertThat(WorkflowTransitions.name(model.tx)).isEqualTo("transfer");
        assertThat(WorkflowTransitions.resumeDueMs(model.tx)).isEqualTo(model.nowMs + 2_000);
    }

    @Test
    void shouldEndOnlyOnceWithAFinalStatus() {
        prepare();
        assertThat(model.apply(new Command.FinishWorkflow("g1", GlobalStatus.SUBMITTED, "", "")))
                .isInstanceOf(Outcome.Rejected.class);

        model.apply(new Command.FinishWorkflow("g1", GlobalStatus.FAILED, "no money", ""));

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.FAILED);
        assertThat(model.tx.rollbackReason()).isEqualTo("no money");
        assertThat(model.apply(new Command.FinishWorkflow("g1", GlobalStatus.SUCCEED, "", "")))
                .isInstanceOf(Outcome.Rejected.class);
        assertThat(model.apply(new Command.RecordProgress("g1", "02", BranchOp.ACTION, BranchStatus.SUCCEED, "")))
                .isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void shouldKeepTheResultOfTheFinalSubmit() {
        prepare();

        model.apply(new Command.FinishWorkflow("g1", GlobalStatus.SUCCEED, "", "{\"order\":42}"));

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUCCEED);
        assertThat(model.tx.result()).isEqualTo("{\"order\":42}");
    }

    @Test
    void shouldSendTheWorkflowDataDecodedAsTheResumeBody() {
        String data = java.util.Base64.getEncoder().encodeToString("{\"amount\":30}".getBytes());
        model.apply(new Command.PrepareWorkflow("g1", "{\"name\":\"transfer\",\"data\":\"" + data + "\"}",
                "http://app/resume", new TransOptions(false, 2_000, 1_000, 3_000, Map.of(), false, 0, Map.of())));

        assertThat(WorkflowTransitions.resume(model.tx).payload()).isEqualTo("{\"amount\":30}");
        assertThat(WorkflowTransitions.data("{\"name\":\"transfer\"}")).isEmpty();
    }

    @Test
    void shouldBackOffResumeCallsWhileUnfinished() {
        prepare();
        model.apply(new Command.ReportBranch("g1", "00", BranchOp.ACTION, BranchStatus.PREPARED, BranchResult.ERROR,
                "refused"));
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.PREPARED);
        assertThat(model.tx.nextAttemptAtMs()).isEqualTo(model.nowMs + 2_000);
        assertThat(model.tx.retryIntervalMs()).isEqualTo(2_000);

        model.apply(new Command.ReportBranch("g1", "00", BranchOp.ACTION, BranchStatus.PREPARED, BranchResult.SUCCESS,
                ""));
        assertThat(model.tx.nextAttemptAtMs()).isEqualTo(model.nowMs + 1_000);
    }
}
