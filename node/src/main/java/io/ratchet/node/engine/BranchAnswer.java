package io.ratchet.node.engine;

import io.ratchet.node.model.BranchResult;

/** A branch call's answer as the engine reports it: what it means, and the text worth recording. */
public record BranchAnswer(BranchResult result, String message) {
}
