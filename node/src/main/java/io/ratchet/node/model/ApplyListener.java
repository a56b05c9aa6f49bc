package io.ratchet.node.model;

import java.util.List;

/**
 * Told about every accepted change, on the apply thread, in log order. Implementations hand off to their own
 * thread and return at once: the apply thread is the whole cluster's critical path.
 */
@FunctionalInterface
public interface ApplyListener {
    void onApplied(GlobalTransaction after, List<Event> events);
}
