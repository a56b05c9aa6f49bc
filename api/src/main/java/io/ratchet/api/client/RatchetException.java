package io.ratchet.api.client;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a client call failed. Sealed, so a caller can tell apart what the coordinator refused ({@link Failure}, 409),
 * what it found malformed ({@link Invalid}, 400), what is still running ({@link Ongoing}, 425), that no node could be
 * reached ({@link Unavailable}), any other answer ({@link Unexpected}), and a business service's refusal of a TCC try
 * ({@link BranchFailed}). Exceptions rather than a result type because the futures already carry failures and
 * {@code join()} users expect them; {@link #unwrap} removes the {@code CompletionException} layer.
 */
public abstract sealed class RatchetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;

    RatchetException(String message, int status, String body, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.body = body;
    }

    /** The HTTP status of the answer; 0 when there was none. */
    public int status() {
        return status;
    }

    /** The raw answer body; empty when there was none. */
    public String body() {
        return body;
    }

    /** The {@code RatchetException} inside a {@code CompletionException}/{@code ExecutionException}, else null. */
    public static RatchetException unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e instanceof RatchetException r ? r : null;
    }

    /** 409 FAILURE: refused by the transaction's state (submit after succeed, registerBranch after timeout, ...). */
    public static final class Failure extends RatchetException {
        private static final long serialVersionUID = 1L;

        public Failure(String message, String body) {
            super(message, 409, body, null);
        }
    }

    /** 400: malformed request; {@link #field()} names the offending field when the server said which. */
    public static final class Invalid extends RatchetException {
        private static final long serialVersionUID = 1L;
        private final String field;

        public Invalid(String message, String field, String body) {
            super(message, 400, body, null);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** 425 ONGOING: with wait_result, a branch answered ONGOING; the transaction goes on. */
    public static final class Ongoing extends RatchetException {
        private static final long serialVersionUID = 1L;

        public Ongoing(String message, String body) {
            super(message, 425, body, null);
        }
    }

    /** No node answered: every one was unreachable, timed out or answered 503. The request may or may not have run. */
    public static final class Unavailable extends RatchetException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable lastError) {
            super(message, 0, "", lastError);
        }
    }

    /** Any other status (500, 404, ...), or a 200 whose body could not be read. */
    public static final class Unexpected extends RatchetException {
        private static final long serialVersionUID = 1L;

        public Unexpected(String message, int status, String body) {
            super(message, status, body, null);
        }
    }

    /** A business service's TCC try (or another call the client makes itself) did not answer SUCCESS. */
    public static final class BranchFailed extends RatchetException {
        private static final long serialVersionUID = 1L;

        public BranchFailed(String message, int status, String body, Throwable cause) {
            super(message, status, body, cause);
        }
    }
}
