package io.ratchet.log.ratis;

import io.ratchet.log.journal.JournalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the apply thread while the journal's disk cannot take the next entry, instead of letting Ratis shut the
 * member down: the member stops applying (so it acknowledges nothing it has not journaled), reports the fault, and
 * goes on by itself once the fault clears. Two faults: free space under a floor, checked before it runs out (the
 * journal is memory-mapped, and a write into a mapping of a full disk is a crash, not an exception), and an append
 * that fails (an unwritable directory, an I/O error). Free space is also watched between appends, so a member with
 * nothing to apply still reports a full disk, and steps down, before the next write finds it.
 */
final class DiskGuard {

    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    /** How often free space is read; statfs is cheap, but not per entry at tens of thousands per second. */
    private static final long CHECK_EVERY_NANOS = Duration.ofMillis(100).toNanos();
    private static final long RETRY_NANOS = Duration.ofMillis(250).toNanos();

    private final Path dir;
    private final long minFreeBytes;
    private final Consumer<String> onFault;
    private final Runnable onClear;
    private volatile String fault;
    /** Whether the fault is low space, which the watcher may clear; a failed append clears only by appending. */
    private boolean spaceFault;
    private volatile long lastCheckNanos;

    /**
     * @param onFault told (on the apply thread) when a fault begins, with what it is
     * @param onClear told (on the apply thread) when it has cleared
     */
    DiskGuard(Path dir, long minFreeBytes, Consumer<String> onFault, Runnable onClear) {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
        this.onFault = onFault;
        this.onClear = onClear;
        this.lastCheckNanos = System.nanoTime() - CHECK_EVERY_NANOS;
    }

    /** The current fault, or null when the journal takes writes. */
    String fault() {
        return fault;
    }

    /** Runs {@code append} once the disk has room, retrying it until it succeeds; blocks meanwhile. */
    void append(Runnable append) {
        while (true) {
            String problem = System.nanoTime() - lastCheckNanos < CHECK_EVERY_NANOS ? null : spaceProblem();
            boolean lowSpace = problem != null;
            if (problem == null) {
                try {
                    append.run();
                    if (fault != null) {
                        clear();
                    }
                    return;
                } catch (JournalException e) {
                    problem = "journal append failed: " + e.getMessage()
                            + (e.getCause() == null ? "" : " (" + e.getCause() + ")");
                }
            }
            raise(problem, lowSpace);
            LockSupport.parkNanos(RETRY_NANOS); // a retry interval, until the operator frees or fixes the disk
            lastCheckNanos = System.nanoTime() - CHECK_EVERY_NANOS;
        }
    }

    /** Reads free space now (from a watcher thread, not the apply thread): raises or clears a low-space fault. */
    void watch() {
        String problem = spaceProblem();
        synchronized (this) {
            if (problem != null) {
                raise(problem, true);
            } else if (fault != null && spaceFault) {
                clear();
            }
        }
    }

    private String spaceProblem() {
        lastCheckNanos = System.nanoTime();
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            return free < minFreeBytes ? "journal disk has " + free + " bytes free, below the floor of " + minFreeBytes
                    + " (ratchet.storage.min-free)" : null;
        } catch (IOException e) {
            return "cannot read the free space of " + dir + ": " + e.getMessage();
        }
    }

    private synchronized void raise(String problem, boolean lowSpace) {
        spaceFault = lowSpace;
        if (fault == null) {
            LOG.error("Journal {} cannot take writes; this member applies nothing until it can: {}", dir, problem);
            fault = problem;
            onFault.accept(problem);
        } else {
            fault = problem;
        }
    }

    private synchronized void clear() {
        if (fault != null) {
            LOG.warn("Journal {} takes writes again; applying resumes", dir);
            fault = null;
            onClear.run();
        }
    }
}
