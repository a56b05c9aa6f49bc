package io.ratchet.node.model;

import static io.ratchet.api.BranchOp.ACTION;
import static io.ratchet.api.BranchOp.COMPENSATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.GlobalStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The saga rules of the pure transition function (PROTOCOL.md §5), one command at a time. */
class TransitionsTest {

    private SagaFixture model;

    @BeforeEach
    void setUp() {
        model = new SagaFixture();
    }

    @Test
    void shouldCreateCompensateThenActionRowsPerStep() {
        // when
        model.apply(SagaFixture.saga("g1", 2, false, Map.of(), 0));

        // then
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUBMITTED);
        assertThat(model.tx.branches()).extracting(b -> b.branchId() + "/" + b.op().wireName())
                .containsExactly("01/compensate", "01/action", "02/compensate", "02/action");
        assertThat(model.tx.branches()).extracting(Branch::payload)
                .containsExactly("{\"step\":0}", "{\"step\":0}", "{\"step\":1}", "{\"step\":1}");
        assertThat(model.events).containsExactly(new Event.Submitted("g1"));
    }

    @Test
    void shouldSucceedWhenTheLastActionSucceeds() {
        model.apply(SagaFixture.saga("g1", 2, false, Map.of(), 0));
        model.report(0, ACTION, BranchResult.SUCCESS);
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUBMITTED);

        model.nowMs += 5;
        model.report(1, ACTION, BranchResult.SUCCESS);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUCCEED);
        assertThat(model.tx.finishTimeMs()).isEqualTo(model.nowMs);
        assertThat(model.events).endsWith(new Event.Succeeded("g1"));
    }

    @Test
    void shouldAbortOnFailureAndFailOnceStartedStepsAreCompensatedInReverse() {
        // given: step 0 succeeded, step 1 answered FAILURE
        model.apply(SagaFixture.saga("g1", 3, false, Map.of(), 0));
        model.report(0, ACTION, BranchResult.SUCCESS);
        model.report(1, ACTION, BranchResult.FAILURE);
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.ABORTING);
        assertThat(model.tx.rollbackReason()).contains("insufficient funds");

        // then: step 2 never started, so it needs no compensation; 1 then 0 do
        assertThat(model.tx.actionStarted(2)).isFalse();
        model.report(1, COMPENSATE, BranchResult.SUCCESS);
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.ABORTING);
        model.report(0, COMPENSATE, BranchResult.SUCCESS);
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.FAILED);
        assertThat(model.rowStatuses()).containsExactly("succeed", "succeed", "succeed", "failed", "prepared",
                "prepared");
    }

    @Test
    void shouldRejectAStaleReportOfARowThatMovedOn() {
        model.apply(SagaFixture.saga("g1", 2, false, Map.of(), 0));
        model.report(0, ACTION, BranchResult.SUCCESS);

        // a deposed leader's late duplicate of the same answer
        Outcome late = model.report(0, ACTION, BranchResult.SUCCESS);

        assertThat(late).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) late).rejection().kind()).isEqualTo(Rejection.Kind.STALE);
    }

    @Test
    void shouldRejectActionReportsOnceAborting() {
        model.apply(SagaFixture.saga("g1", 2, true, Map.of(), 0));
        model.report(0, ACTION, BranchResult.FAILURE);

        Outcome late = model.report(1, ACTION, BranchResult.SUCCESS);

        assertThat(late).isInstanceOf(Outcome.Rejected.class);
        assertThat(model.tx.action(1).status().wireName()).isEqualTo("prepared");
    }

    @Test
    void shouldRetryCompensationFailuresInsteadOfGivingUp() {
        model.apply(SagaFixture.saga("g1", 1, false, Map.of(), 0));
        model.report(0, ACTION, BranchResult.FAILURE);

        model.report(0, COMPENSATE, BranchResult.FAILURE);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.ABORTING);
        assertThat(model.tx.compensate(0).attempts()).isEqualTo(1);
        assertThat(model.events).last().isInstanceOf(Event.BranchRetrying.class);
    }

    @Test
    void shouldDoubleTheRetryIntervalOnErrorsAndKeepItOnOngoing() {
        model.apply(SagaFixture.saga("g1", 1, false, Map.of(), 0));

        model.report(0, ACTION, BranchResult.ERROR);
        assertThat(model.tx.nextAttemptAtMs()).as("after the doubled interval, as DTM").isEqualTo(model.nowMs + 20_000);
        assertThat(model.tx.retryIntervalMs()).isEqualTo(20_000);

        model.report(0, ACTION, BranchResult.ONGOING);
        assertThat(model.tx.nextAttemptAtMs()).isEqualTo(model.nowMs + 20_000);
        assertThat(model.tx.retryIntervalMs()).isEqualTo(20_000);

        model.report(0, ACTION, BranchResult.SUCCESS);
        assertThat(model.tx.retryIntervalMs()).isEqualTo(10_000);
    }

    @Test
    void shouldCapTheRetryInterval() {
        model.apply(SagaFixture.saga("g1", 1, false, Map.of(), 0));
        for (int i = 0; i < 30; i++) {
            model.report(0, ACTION, BranchResult.ERROR);
        }
        assertThat(model.tx.retryIntervalMs()).isEqualTo(Transitions.MAX_RETRY_INTERVAL_MS);
    }

    @Test
    void shouldAbortWhenRetryLimitIsExhausted() {
        model.apply(SagaFixture.saga("g1", 2, false, Map.of(), 2));
        model.report(0, ACTION, BranchResult.ERROR);
        model.report(0, ACTION, BranchResult.ERROR);
        assertThat(model.tx.status()).as("two calls after the first are allowed").isEqualTo(GlobalStatus.SUBMITTED);

        model.report(0, ACTION, BranchResult.ERROR);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.ABORTING);
        assertThat(model.tx.rollbackReason()).isEqualTo("RetryCount is greater than RetryLimit, RetryLimit: 2");
        assertThat(model.tx.actionStarted(0)).isTrue();
    }

    @Test
    void shouldTreatEmptyUrlsAsDoneAtOnce() {
        Command.Submit submit = SagaFixture.saga("g1", 2, false, Map.of(), 0);
        List<Step> steps = List.of(new Step("", ""), new Step("http://svc/a1", ""));
        model.apply(new Command.Submit("g1", submit.transType(), steps, submit.payloads(), "", submit.options()));
        assertThat(model.tx.action(0).status().wireName()).isEqualTo("succeed");

        model.report(1, ACTION, BranchResult.FAILURE);

        assertThat(model.tx.status()).isEqualTo(GlobalStatus.FAILED);
    }

    @Test
    void shouldBeIdempotentOnResubmitAndRefuseSubmitAfterTheEnd() {
        Command.Submit submit = SagaFixture.saga("g1", 1, false, Map.of(), 0);
        model.apply(submit);
        assertThat(model.apply(submit)).isInstanceOf(Outcome.Accepted.class);

        model.report(0, ACTION, BranchResult.SUCCESS);
        Outcome again = model.apply(submit);

        assertThat(again).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) again).rejection().kind()).isEqualTo(Rejection.Kind.CONFLICT);
    }

    @Test
    void shouldCompensateConcurrentStepsAfterTheStepsThatDependOnThem() {
        // given: 0 -> 1 -> 2 (1 waits for 0, 2 waits for 1); 0 and 1 succeed, 2 fails
        model.apply(SagaFixture.saga("g1", 3, true, Map.of(1, List.of(0), 2, List.of(1)), 0));
        assertThat(model.tx.actionReady(1)).isFalse();
        model.report(0, ACTION, BranchResult.SUCCESS);
        model.report(1, ACTION, BranchResult.SUCCESS);
        model.report(2, ACTION, BranchResult.FAILURE);

        // then: 1's compensation waits for 2's, 0's for 1's
        assertThat(Transitions.compensationsDone(model.tx, model.tx.compensateAfter(1))).isFalse();
        model.report(2, COMPENSATE, BranchResult.SUCCESS);
        assertThat(Transitions.compensationsDone(model.tx, model.tx.compensateAfter(1))).isTrue();
        assertThat(Transitions.compensationsDone(model.tx, model.tx.compensateAfter(0))).isFalse();
    }

    @Test
    void shouldAbortOnlyFromTheExpectedStatus() {
        model.apply(SagaFixture.saga("g1", 1, false, Map.of(), 0));
        model.report(0, ACTION, BranchResult.SUCCESS);

        Outcome late = model.apply(new Command.Abort("g1", GlobalStatus.SUBMITTED, "timeout"));

        assertThat(late).isInstanceOf(Outcome.Rejected.class);
        assertThat(model.tx.status()).isEqualTo(GlobalStatus.SUCCEED);
    }
}
