package io.ratchet.node.model;

import java.util.List;

/** The result of applying one command: the transaction after it and what it derived, or why not. */
public sealed interface Outcome {

    record Accepted(GlobalTransaction after, List<Event> events) implements Outcome {
        public Accepted {
            events = List.copyOf(events);
        }
    }

    record Rejected(Rejection rejection) implements Outcome {
    }

    static Outcome rejected(Rejection.Kind kind, String message) {
        return new Rejected(new Rejection(kind, message));
    }
}
