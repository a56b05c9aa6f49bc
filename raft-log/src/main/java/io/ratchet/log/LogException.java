package io.ratchet.log;

/**
 * The one exception family of raft-log. {@link #retriable()} says whether the same submit may succeed if
 * tried again (possibly on another member); a retried submit may also have been applied the first time, so
 * commands must be idempotent or carry their own de-duplication.
 */
public abstract sealed class LogException extends RuntimeException {

    LogException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether trying again later may succeed. */
    public abstract boolean retriable();

    /** No leader is known yet (an election is under way). Retriable. */
    public static final class NoLeader extends LogException {
        public NoLeader(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean retriable() {
            return true;
        }
    }

    /** The request reached a member that is not the leader; {@link #leaderHint()} may name the leader. */
    public static final class NotLeader extends LogException {
        private final String leaderHint;

        public NotLeader(String message, String leaderHint, Throwable cause) {
            super(message, cause);
            this.leaderHint = leaderHint;
        }

        public String leaderHint() {
            return leaderHint;
        }

        @Override
        public boolean retriable() {
            return true;
        }
    }

    /**
     * The command was not known to be committed within its deadline, or the member is overloaded. It may still
     * commit later. Retriable.
     */
    public static final class Timeout extends LogException {
        public Timeout(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean retriable() {
            return true;
        }
    }

    /** The member is closed, its storage failed, or a request can never succeed. Not retriable. */
    public static final class Fatal extends LogException {
        public Fatal(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean retriable() {
            return false;
        }
    }
}
