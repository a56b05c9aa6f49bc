package io.ratchet.log.journal;

/** The journal's exception family: the journal cannot be opened, written or synced. Never retriable. */
public class JournalException extends RuntimeException {
    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
