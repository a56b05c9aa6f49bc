package io.ratchet.api.branch;

/**
 * A branch's definite refusal (insufficient balance, a rule broken), answered as FAILURE. The coordinator treats it
 * as final for a saga action or a TCC try, so throw it only when retrying cannot help; any other exception is
 * answered as a temporary error and the call is retried.
 */
public class BranchFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BranchFailure(String message) {
        super(message);
    }

    public BranchFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
