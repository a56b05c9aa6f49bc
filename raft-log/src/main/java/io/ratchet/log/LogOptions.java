package io.ratchet.log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to start one member, as plain values.
 *
 * @param clusterId                 names the Raft group; members of one cluster must agree on it
 * @param memberId                  this member's id, one of {@code peers}
 * @param dataDir                   holds {@code raft/} (Ratis log and snapshots) and {@code journal/}
 * @param electionTimeoutMin        lower bound of the randomized election timeout
 * @param electionTimeoutMax        upper bound of the randomized election timeout
 * @param rpcTimeout                how long one Raft RPC (and one client attempt) may take
 * @param submitTimeout             how long a submit or query waits before failing with {@link LogException.Timeout}
 * @param snapshotThresholdEntries  take a snapshot after this many Raft entries since the previous one
 * @param snapshotsRetained         how many snapshot files to keep on disk
 * @param maxBatchCommands          at most this many commands per Raft entry
 * @param maxBatchBytes             at most this many payload bytes per Raft entry (a larger single command goes alone)
 * @param maxEntriesInFlight        at most this many entries submitted and not yet answered
 * @param maxQueuedCommands         submits beyond this backlog fail at once with {@link LogException.Timeout}
 * @param logSegmentBytes           size of one Ratis log segment; only closed segments are purged after a snapshot
 * @param tls                       mutual TLS between members, or null for plain gRPC
 * @param minFreeBytes              below this much free space on the journal's disk, the member stops applying
 *                                  (and so acknowledging) until space is freed
 * @param journalRetention          journal cycles that every retained snapshot covers are deleted once they are
 *                                  this old
 */
public record LogOptions(
        String clusterId,
        String memberId,
        List<Peer> peers,
        Path dataDir,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        Duration rpcTimeout,
        Duration submitTimeout,
        long snapshotThresholdEntries,
        int snapshotsRetained,
        int maxBatchCommands,
        int maxBatchBytes,
        int maxEntriesInFlight,
        int maxQueuedCommands,
        long logSegmentBytes,
        TlsFiles tls,
        long minFreeBytes,
        Duration journalRetention) {

    /** The largest single command accepted; Ratis entries must fit in one log segment and one gRPC message. */
    public static final int MAX_COMMAND_BYTES = 1024 * 1024;

    public LogOptions {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(memberId, "memberId");
        peers = List.copyOf(peers);
        Objects.requireNonNull(dataDir, "dataDir");
        if (peers.stream().noneMatch(p -> p.id().equals(memberId))) {
            throw new IllegalArgumentException("Expected member '" + memberId + "' to be one of the peers " + peers);
        }
        if (electionTimeoutMin.compareTo(electionTimeoutMax) >= 0) {
            throw new IllegalArgumentException("Expected electionTimeoutMin < electionTimeoutMax, but "
                    + electionTimeoutMin + " >= " + electionTimeoutMax);
        }
        if (logSegmentBytes < 2L * MAX_COMMAND_BYTES + (1 << 20)) {
            throw new IllegalArgumentException("Expected logSegmentBytes >= " + (2L * MAX_COMMAND_BYTES + (1 << 20))
                    + " so that the largest entry fits, but was " + logSegmentBytes);
        }
        if (maxBatchCommands < 1 || maxBatchBytes < 1 || maxEntriesInFlight < 1 || maxQueuedCommands < 1) {
            throw new IllegalArgumentException("Expected batch and queue limits >= 1");
        }
    }

    public Peer self() {
        return peers.stream().filter(p -> p.id().equals(memberId)).findFirst().orElseThrow();
    }

    /** Options with the defaults of {@code cluster.conf}; change them with the withers. */
    public static LogOptions defaults(String clusterId, String memberId, List<Peer> peers, Path dataDir) {
        return new LogOptions(clusterId, memberId, peers, dataDir,
                Duration.ofMillis(600), Duration.ofMillis(1200), Duration.ofSeconds(3), Duration.ofSeconds(10),
                10_000, 2, 1_000, 1024 * 1024, 1, 100_000, 32L << 20, null, 64L << 20, Duration.ofHours(24));
    }

    public LogOptions withElectionTimeout(Duration min, Duration max) {
        return new LogOptions(clusterId, memberId, peers, dataDir, min, max, rpcTimeout, submitTimeout,
                snapshotThresholdEntries, snapshotsRetained, maxBatchCommands, maxBatchBytes, maxEntriesInFlight,
                maxQueuedCommands, logSegmentBytes, tls, minFreeBytes, journalRetention);
    }

    public LogOptions withTimeouts(Duration rpc, Duration submit) {
        return new LogOptions(clusterId, memberId, peers, dataDir, electionTimeoutMin, electionTimeoutMax, rpc,
                submit, snapshotThresholdEntries, snapshotsRetained, maxBatchCommands, maxBatchBytes,
                maxEntriesInFlight, maxQueuedCommands, logSegmentBytes, tls, minFreeBytes, journalRetention);
    }

    public LogOptions withSnapshots(long thresholdEntries, int retained) {
        return new LogOptions(clusterId, memberId, peers, dataDir, electionTimeoutMin, electionTimeoutMax,
                rpcTimeout, submitTimeout, thresholdEntries, retained, maxBatchCommands, maxBatchBytes,
                maxEntriesInFlight, maxQueuedCommands, logSegmentBytes, tls, minFreeBytes, journalRetention);
    }

    public LogOptions withBatching(int commands, int bytes, int entriesInFlight, int queuedCommands) {
        return new LogOptions(clusterId, memberId, peers, dataDir, electionTimeoutMin, electionTimeoutMax,
                rpcTimeout, submitTimeout, snapshotThresholdEntries, snapshotsRetained, commands, bytes,
                entriesInFlight, queuedCommands, logSegmentBytes, tls, minFreeBytes, journalRetention);
    }

    public LogOptions withLogSegmentBytes(long bytes) {
        return new LogOptions(clusterId, memberId, peers, dataDir, electionTimeoutMin, electionTimeoutMax, rpcTimeout,
                submitTimeout, snapshotThresholdEntries, snapshotsRetained, maxBatchCommands, maxBatchBytes,
                maxEntriesInFlight, maxQueuedCommands, bytes, tls, minFreeBytes, journalRetention);
    }

    public LogOptions withDataDir(Path dir) {
        return new LogOptions(clusterId, memberId, peers, dir, electionTimeoutMin, electionTimeoutMax, rpcTimeout,
                submitTimeout, snapshotThresholdEntries, snapshotsRetained, maxBatchCommands, maxBatchBytes,
                maxEntriesInFlight, maxQueuedCommands, logSegmentBytes, tls, minFreeBytes, journalRetention);
    }

    public LogOptions withTls(TlsFiles files) {
        return new LogOptions(clusterId, memberId, peers, dataDir, electionTimeoutMin, electionTimeoutMax, rpcTimeout,
                submitTimeout, snapshotThresholdEntries, snapshotsRetained, maxBatchCommands, maxBatchBytes,
                maxEntriesInFlight, maxQueuedCommands, logSegmentBytes, files, minFreeBytes, journalRetention);
    }

    public LogOptions withMinFreeBytes(long bytes) {
        return new LogOptions(clusterId, memberId, peers, dataDir, electionTimeoutMin, electionTimeoutMax, rpcTimeout,
                submitTimeout, snapshotThresholdEntries, snapshotsRetained, maxBatchCommands, maxBatchBytes,
                maxEntriesInFlight, maxQueuedCommands, logSegmentBytes, tls, bytes, journalRetention);
    }

    public LogOptions withJournalRetention(Duration retention) {
        return new LogOptions(clusterId, memberId, peers, dataDir, electionTimeoutMin, electionTimeoutMax, rpcTimeout,
                submitTimeout, snapshotThresholdEntries, snapshotsRetained, maxBatchCommands, maxBatchBytes,
                maxEntriesInFlight, maxQueuedCommands, logSegmentBytes, tls, minFreeBytes, retention);
    }
}
