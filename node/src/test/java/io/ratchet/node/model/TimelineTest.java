package io.ratchet.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineTest {

    private static TimelineEntry entry(long index) {
        return new TimelineEntry(index, 2, 1_000 + index, CommandType.REPORT_BRANCH, "01", BranchOp.ACTION,
                BranchResult.ERROR, "n1", 5, GlobalStatus.SUBMITTED);
    }

    @Test
    void shouldKeepTheFirstAndTheLatestEntriesAndCountTheDropped() {
        Timeline timeline = Timeline.EMPTY;
        for (long i = 1; i <= Timeline.CAPACITY + 10; i++) {
            timeline = timeline.append(entry(i));
        }

        assertThat(timeline.entries()).hasSize(Timeline.CAPACITY);
        assertThat(timeline.dropped()).isEqualTo(10);
        assertThat(timeline.entries().get(0).index()).isEqualTo(1);
        assertThat(timeline.entries().get(1).index()).isEqualTo(12);
        assertThat(timeline.entries().get(Timeline.CAPACITY - 1).index()).isEqualTo(Timeline.CAPACITY + 10);
    }

    @Test
    void shouldDescribeAReportWithItsCallerAndDuration() {
        SagaFixture model = new SagaFixture();
        model.apply(SagaFixture.saga("g", 1, false, Map.of(), 0));
        Command report = new Command.ReportBranch("g", "01", BranchOp.ACTION, BranchStatus.PREPARED,
                BranchResult.SUCCESS, "", "n3", 42);

        TimelineEntry e = TimelineEntry.of(7, 3, 9_000, report, model.tx);

        assertThat(e).isEqualTo(new TimelineEntry(7, 3, 9_000, CommandType.REPORT_BRANCH, "01", BranchOp.ACTION,
                BranchResult.SUCCESS, "n3", 42, model.tx.status()));
    }

    @Test
    void shouldKeepTimelinesInTheStoreImage() throws Exception {
        SagaFixture model = new SagaFixture();
        model.apply(SagaFixture.saga("g", 1, false, Map.of(), 0));
        TransactionStore store = new TransactionStore(new InMemoryFinishedStore());
        store.put(model.tx, entry(1));
        store.put(model.tx, entry(2));
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        store.image().writeTo(image);

        TransactionStore restored = new TransactionStore(new InMemoryFinishedStore());
        restored.readFrom(new ByteArrayInputStream(image.toByteArray()), 1, 1);

        assertThat(restored.timeline("g")).isEqualTo(store.timeline("g"));
        assertThat(restored.timeline("g").entries()).hasSize(2);
        assertThat(restored.timeline("other")).isEqualTo(Timeline.EMPTY);
    }
}
