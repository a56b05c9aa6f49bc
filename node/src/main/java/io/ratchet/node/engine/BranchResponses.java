package io.ratchet.node.engine;

import io.ratchet.node.model.BranchResult;

/**
 * Reads a branch's answer exactly as PROTOCOL.md §4 says, in this order, by substring on the raw body:
 * 425 or ONGOING → ONGOING; 409 or FAILURE → FAILURE; another status than 200, a timeout or a connection error →
 * a temporary error; anything else → SUCCESS (even an empty or non-JSON 200 body). Pure.
 */
public final class BranchResponses {

    private static final int MAX_MESSAGE_CHARS = 512;

    private BranchResponses() {
    }

    public static BranchAnswer read(int status, String body) {
        String text = body == null ? "" : body;
        if (status == 425 || text.contains("ONGOING")) {
            return new BranchAnswer(BranchResult.ONGOING, clip(text));
        }
        if (status == 409 || text.contains("FAILURE")) {
            return new BranchAnswer(BranchResult.FAILURE, clip(text));
        }
        if (status != 200) {
            return new BranchAnswer(BranchResult.ERROR, "HTTP " + status + ": " + clip(text));
        }
        return new BranchAnswer(BranchResult.SUCCESS, "");
    }

    /** No answer at all: a timeout, a refused or reset connection. */
    public static BranchAnswer failed(Throwable failure) {
        return new BranchAnswer(BranchResult.ERROR, clip(failure.getClass().getSimpleName() + ": " + failure.getMessage()));
    }

    private static String clip(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
