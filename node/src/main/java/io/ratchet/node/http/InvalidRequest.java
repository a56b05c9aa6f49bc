package io.ratchet.node.http;

/** A request that cannot be accepted as sent: answered 400 naming the field. */
final class InvalidRequest extends RuntimeException {

    final String field;

    InvalidRequest(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }
}
