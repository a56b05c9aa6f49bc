package io.ratchet.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratchet.chaos.run.Nemesis.Fault;
import io.ratchet.chaos.run.Workload.Submit;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunTimelineTest {

    private static final long START = 1_000_000_000L;

    private static Submit submit(long sentMs, long answeredMs, int status) {
        return new Submit(START + sentMs * 1_000_000, START + answeredMs * 1_000_000, "n1", "g" + sentMs,
                Workload.Kind.SAGA, -1, status, status / 100 == 2);
    }

    @Test
    void shouldMeasureFromEachLeaderKillToTheFirstAcknowledgmentOfASubmitSentAfterIt() {
        List<Submit> submits = List.of(
                submit(900, 1_050, 200),   // sent before the kill at 1000: committed by the old leader
                submit(1_010, 1_400, 503), // refused: not a commit
                submit(1_020, 2_300, 200), // the first commit after the kill: 1300 ms
                submit(1_500, 2_100, 200), // answered earlier still, sent later: 1100 ms
                submit(5_100, 5_600, 200));
        List<Fault> faults = List.of(new Fault(1_000, Fault.LEADER_KILL, "n1"), new Fault(3_000, "restart", "n1"),
                new Fault(5_000, Fault.LEADER_KILL, "n2"), new Fault(9_000, Fault.LEADER_KILL, "n3"));

        RunTimeline timeline = new RunTimeline(submits, START, faults);

        assertThat(timeline.leaderKillRecoveriesMs()).as("the last kill has no commit after it").containsExactly(1_100L,
                600L);
        assertThat(RunTimeline.medianAndMax(List.of(1_100L, 600L, 900L))).containsExactly(900, 1_100);
        assertThat(RunTimeline.medianAndMax(List.of())).isEmpty();
    }

    @Test
    void shouldCountEachSecondAndDrawEveryFault() {
        List<Submit> submits = List.of(submit(0, 10, 200), submit(100, 300, 200), submit(1_200, 1_300, 503),
                submit(1_500, 2_600, 200));
        List<Fault> faults = List.of(new Fault(1_000, "isolate leader", "n1"), new Fault(2_000, "heal", "n1"));

        RunTimeline timeline = new RunTimeline(submits, START, faults);

        assertThat(timeline.seconds()).containsExactly(new RunTimeline.Second(0, 2, 0, 10, 200),
                new RunTimeline.Second(1, 0, 1, 0, 0), new RunTimeline.Second(2, 1, 0, 1_100, 1_100));
        assertThat(timeline.svg()).startsWith("<svg").contains("<title>1.0 s: isolate leader n1</title>")
                .contains("<title>2.0 s: heal n1</title>");
    }

    @Test
    void shouldNameTheScenariosWhenOneIsUnknown() {
        assertThat(Nemesis.of("partition").kinds()).contains(FaultKind.ISOLATE_LEADER, FaultKind.DELAY);
        assertThatThrownBy(() -> Nemesis.of("meteor")).hasMessageContaining("mixed").hasMessageContaining("restart");
    }
}
