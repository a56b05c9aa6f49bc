package io.ratchet.node.model;

/** Why a command was not applied. A value, never an exception: Ratis stops a member when apply throws. */
public record Rejection(Kind kind, String message) {

    public enum Kind {
        /** The transaction's status does not allow it (HTTP 409). */
        CONFLICT,
        /** A branch outcome for a row or status that has moved on (a deposed leader's late report). */
        STALE,
        /** No such transaction. */
        NOT_FOUND
    }
}
