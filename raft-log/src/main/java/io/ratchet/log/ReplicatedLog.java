package io.ratchet.log;

import io.ratchet.log.journal.JournalDigest;
import io.ratchet.log.ratis.RatisMember;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a replicated, durable, ordered log of opaque commands (Raft via Apache Ratis, applied
 * entries journaled in Chronicle Queue). Any member accepts submits and queries; followers forward to the
 * leader.
 *
 * <p>Futures complete on Ratis threads; callers on an event loop bring them back to their own context.
 * Failures are {@link LogException}s.
 */
public interface ReplicatedLog extends AutoCloseable {

    /**
     * Starts a member: recovers its state from the latest snapshot and journal in {@code options.dataDir()},
     * then joins the group. Blocks for the local recovery only, not for an election.
     */
    static ReplicatedLog start(LogOptions options, LogApplier applier) throws IOException {
        return RatisMember.start(options, applier);
    }

    String memberId();

    /**
     * Replicates one command. Commands submitted while earlier entries are in flight are grouped into the
     * next Raft entry. The future completes with the reply {@link LogApplier#apply} returned on the leader, once
     * the command is committed by a majority and applied there, or fails with a {@link LogException}. A follower
     * applies it moments later; {@link #query} (linearizable) waits for that, so a read after a completed submit
     * sees it on any member.
     */
    CompletableFuture<byte[]> submit(byte[] command);

    /**
     * A linearizable read: completes with {@link LogApplier#query} of this member's applier once it has
     * applied everything committed when the read began (Raft ReadIndex), so it reflects every submit that
     * completed before it was called, on any member.
     */
    CompletableFuture<byte[]> query(byte[] request);

    /** Role, leader, term and indexes as this member sees them now. */
    MemberStatus status();

    /** Registers a listener; it hears the latest role change at once (if any), then every later one. */
    void addRoleListener(RoleListener listener);

    /** Takes a snapshot now (Ratis may then purge its log up to it); completes with the snapshot's index. */
    CompletableFuture<Long> takeSnapshot();

    /** The digest of this member's journal for indexes {@code from}..{@code to}, read off the event loop. */
    CompletableFuture<JournalDigest> journalDigest(long from, long to);

    /** Leaves the group and releases files and ports. Pending submits fail with {@link LogException.Fatal}. */
    @Override
    void close();
}
