package io.ratchet.node.model;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The reply a submitter gets for one command: accepted (with the transaction's status after it) or rejected
 * (with the kind and message).
 */
public record ApplyReply(boolean accepted, String status, Rejection.Kind rejection, String message) {

    public static ApplyReply of(Outcome outcome) {
        if (outcome instanceof Outcome.Accepted accepted) {
            return new ApplyReply(true, accepted.after().status().wireName(), null, null);
        }
        Rejection r = ((Outcome.Rejected) outcome).rejection();
        return new ApplyReply(false, null, r.kind(), r.message());
    }

    /** A command refused without a transaction outcome (undecodable, or a topic change): 409 with the reason. */
    public static ApplyReply refused(String message) {
        return new ApplyReply(false, null, Rejection.Kind.CONFLICT, message);
    }

    /** The reply to {@link Command.ExpireFinished}: how many finished transactions it deleted, in the status. */
    public static ApplyReply expired(int deleted) {
        return new ApplyReply(true, Integer.toString(deleted), null, null);
    }

    public byte[] encode() {
        try {
            return CommandCodec.JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ApplyReply decode(byte[] bytes) {
        try {
            return CommandCodec.JSON.readValue(bytes, ApplyReply.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not an apply reply: " + e.getMessage(), e);
        }
    }
}
