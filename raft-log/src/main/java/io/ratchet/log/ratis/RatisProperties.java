package io.ratchet.log.ratis;

import io.ratchet.log.LogOptions;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** Turns {@link LogOptions} into Ratis server and client properties. */
final class RatisProperties {

    private RatisProperties() {
    }

    static RaftProperties server(LogOptions options) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(options.dataDir().resolve("raft").toFile()));
        GrpcConfigKeys.Server.setHost(p, options.self().host());
        GrpcConfigKeys.Server.setPort(p, options.self().raftPort());
        // Room for a full batch plus framing in one gRPC message and one log entry.
        SizeInBytes entryLimit = SizeInBytes.valueOf(2L * LogOptions.MAX_COMMAND_BYTES + 1024 * 1024);
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(2 * entryLimit.getSize()));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, entryLimit);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(options.logSegmentBytes()));

        RaftServerConfigKeys.Rpc.setTimeoutMin(p, duration(options.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, duration(options.electionTimeoutMax()));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, duration(options.rpcTimeout()));
        // Pre-vote keeps a member that was paused or partitioned from forcing a new term when it comes back.
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);

        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setTimeout(p, duration(options.submitTimeout()));

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        // A stop behaves like a crash: recovery is always snapshot + journal tail, the path that must work anyway.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, options.snapshotThresholdEntries());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, options.snapshotsRetained());
        // Purge only what every member has committed, less one entry. Purging up to the snapshot left a leader that
        // was killed exactly at the end of a purged segment (segments roll at each new term): Ratis 3.2.2's appender
        // then needs the entry before the log start for a follower at the log start, finds none, dies with an NPE
        // and is never restarted, so the follower never catches up (the chaos suite's leader kills found it). The
        // cost: a member that stays down pins the log of the others until it is back or removed.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, false);
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, 1);
        // Commit-index metadata entries cost a Raft entry each (~25% more entries, STACK.md §2); a restarted member
        // learns the commit index from the leader instead, and a follower with its next append or heartbeat.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        RaftServerConfigKeys.Log.setPurgeGap(p, 1);
        return p;
    }

    static RaftProperties client(LogOptions options) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, duration(options.rpcTimeout()));
        // The batcher bounds entries in flight; leave Ratis room for them and for concurrent reads.
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, Math.max(100, 4 * options.maxEntriesInFlight()));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(4L * LogOptions.MAX_COMMAND_BYTES + (4 << 20)));
        return p;
    }

    static TimeDuration duration(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    static File raftDir(LogOptions options) {
        return options.dataDir().resolve("raft").toFile();
    }
}
