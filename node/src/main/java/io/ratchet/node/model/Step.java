package io.ratchet.node.model;

/** One saga step: the action URL and its compensation URL (either may be empty: nothing to call). */
public record Step(String action, String compensate) {
    public Step {
        action = action == null ? "" : action;
        compensate = compensate == null ? "" : compensate;
    }
}
