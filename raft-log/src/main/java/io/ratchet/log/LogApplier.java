package io.ratchet.log;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The SPI a process implements to fold committed commands into its state: the only code that sees
 * {@link LogEntry}s.
 *
 * <p><b>Contract:</b>
 * <ul>
 *   <li>{@link #apply}, {@link #captureSnapshot} and {@link #restore} are called on one thread at a time, never
 *       concurrently with each other, and {@code apply} sees entries in log order exactly once per member
 *       lifetime (after {@code restore}, it continues with the entries after the restored image);</li>
 *   <li>the {@link Image} that {@code captureSnapshot} returns is written later on another thread, while
 *       {@code apply} goes on: it must hold the state as it was at capture (immutable values, or copies), so the
 *       capture is cheap and the writing is not;</li>
 *   <li>{@code apply} is deterministic: it reads no clock (use {@link LogEntry#timestampMs()}), no random, no
 *       network and no disk, so every member and every replay computes the same state and the same reply;</li>
 *   <li>{@code apply} never throws for application errors (an unknown entity, a refused state change): it
 *       answers them in its reply. A thrown exception means a bug; the member stops, because continuing would
 *       let the members diverge;</li>
 *   <li>{@link #query} may run on other threads concurrently with {@code apply}: it must read state safely
 *       (an immutable view, or its own synchronisation), and must not change it.</li>
 * </ul>
 */
public interface LogApplier {

    /**
     * Applies one committed command and returns the reply for its submitter (never {@code null}; an empty
     * array is fine). The reply reaches the submitter only on the member where it was submitted.
     */
    byte[] apply(LogEntry entry);

    /** Answers a read-only request against the applied state (see {@link ReplicatedLog#query}). */
    byte[] query(byte[] request);

    /** The whole state frozen at capture, written in a defined order, so equal states give equal bytes. */
    @FunctionalInterface
    interface Image {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Freezes the state applied so far into an image to be written on another thread. Called on the apply thread,
     * so it should only copy references: the apply thread waits for it.
     *
     * @param files a directory that does not exist yet: an applier whose state lives partly in files (an embedded
     *              database) may create it and put there, before returning, files that hold that part as of now
     *              (hard links of immutable files, so that this stays cheap). They belong to the snapshot: they are
     *              shipped with it to a member that installs it, and handed back to {@link #restore}.
     */
    Image captureSnapshot(Path files);

    /**
     * Replaces the whole state with an image that {@link #captureSnapshot} produced.
     *
     * @param files the directory the applier filled at capture, or null when it created none; it stays part of the
     *              snapshot after this (it may be shipped to another member later): copy or link, never move
     */
    void restore(InputStream image, Path files) throws IOException;
}
