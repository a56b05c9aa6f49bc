package io.ratchet.chaos.check;

import java.util.List;

/** Whether one invariant held, and where it did not (at most {@link #MAX_EXAMPLES} counter-examples). */
public record Verdict(Invariant invariant, long checked, List<String> counterExamples) {

    public static final int MAX_EXAMPLES = 20;

    public Verdict {
        counterExamples = List.copyOf(counterExamples.subList(0, Math.min(MAX_EXAMPLES, counterExamples.size())));
    }

    public boolean held() {
        return counterExamples.isEmpty();
    }
}
