package io.ratchet.api.barrier;

/**
 * The local transaction of a two-phase message ({@code op=msg}) was already run for this gid: running it again
 * would apply the business change twice, so it is refused instead of skipped (DTM's {@code ErrDuplicated}).
 */
public final class DuplicatedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DuplicatedException(String message) {
        super(message);
    }
}
