package io.ratchet.log.ratis;

import io.ratchet.log.LogApplier;
import io.ratchet.log.LogException;
import io.ratchet.log.LogOptions;
import io.ratchet.log.MemberStatus;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.Role;
import io.ratchet.log.RoleListener;
import io.ratchet.log.TlsFiles;
import io.ratchet.log.journal.JournalDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.TimeDuration;

/**
 * One member of the log: a Ratis server running the {@link JournalStateMachine}, and a Ratis client through
 * which this member's submits and reads reach the leader.
 */
public final class RatisMember implements ReplicatedLog {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RatisMember.class);

    private final LogOptions options;
    private final RaftPeerId selfId;
    private final RaftServer server;
    private final RaftClient client;
    private final JournalStateMachine stateMachine;
    private final CommandBatcher batcher;
    private final ScheduledExecutorService admin;

    private RatisMember(LogOptions options, RaftServer server, RaftClient client, JournalStateMachine stateMachine) {
        this.options = options;
        this.selfId = RaftPeerId.valueOf(options.memberId());
        this.server = server;
        this.client = client;
        this.stateMachine = stateMachine;
        this.batcher = new CommandBatcher(this::send, options.maxBatchCommands(), options.maxBatchBytes(),
                options.maxEntriesInFlight(), options.maxQueuedCommands());
        this.admin = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ratchet-log-admin-" + options.memberId());
            t.setDaemon(true);
            return t;
        });
        // An idle member must still notice its disk filling up (and step down) before a write needs the space.
        admin.scheduleWithFixedDelay(this::watchDisk, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** See {@link ReplicatedLog#start}. */
    public static RatisMember start(LogOptions options, LogApplier applier) throws IOException {
        RaftGroup group = group(options);
        // The state machine is made before the member that handles its disk faults.
        AtomicReference<RatisMember> member = new AtomicReference<>();
        JournalStateMachine stateMachine = new JournalStateMachine(options.memberId(), applier,
                options.dataDir().resolve("journal"), options.minFreeBytes(), options.snapshotsRetained(),
                options.journalRetention(),
                fault -> Optional.ofNullable(member.get()).ifPresent(RatisMember::onDiskFault),
                () -> Optional.ofNullable(member.get()).ifPresent(RatisMember::onDiskClear));
        Parameters parameters = tlsParameters(options.tls());
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(options.memberId()))
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(RatisProperties.server(options))
                .setParameters(parameters)
                // Formats an empty directory, recovers an existing one.
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        RaftClient client = RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(RatisProperties.client(options))
                .setParameters(parameters)
                // Ratis's default retries without sleeping: a busy loop while there is no leader.
                .setRetryPolicy(RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
        member.set(new RatisMember(options, server, client, stateMachine));
        return member.get();
    }

    /**
     * The journal cannot take writes, so this member applies nothing: it must not lead (a leader that cannot apply
     * acknowledges nothing), so it stops standing for election and, if it leads, steps down.
     */
    private void onDiskFault() {
        admin.execute(() -> {
            try {
                client.getLeaderElectionManagementApi(selfId).pause();
                if (status().role() == Role.LEADER) {
                    client.admin().transferLeadership(null, options.rpcTimeout().toMillis());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: could not step aside after a disk fault: {}", memberId(), e.toString());
            }
        });
    }

    private void watchDisk() {
        try {
            stateMachine.watchDisk();
        } catch (RuntimeException e) {
            LOG.warn("{}: could not watch the journal disk: {}", memberId(), e.toString());
        }
    }

    private void onDiskClear() {
        admin.execute(() -> {
            try {
                client.getLeaderElectionManagementApi(selfId).resume();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: could not stand for election again after a disk fault: {}", memberId(), e.toString());
            }
        });
    }

    /** Mutual TLS on every gRPC channel of the member (server, its client, admin), or none. */
    private static Parameters tlsParameters(TlsFiles tls) {
        Parameters parameters = new Parameters();
        if (tls != null) {
            GrpcTlsConfig config = new GrpcTlsConfig(tls.privateKey().toFile(), tls.certChain().toFile(),
                    tls.trustedCa().toFile(), true);
            GrpcConfigKeys.Server.setTlsConf(parameters, config);
            GrpcConfigKeys.Client.setTlsConf(parameters, config);
            GrpcConfigKeys.Admin.setTlsConf(parameters, config);
        }
        return parameters;
    }

    static RaftGroup group(LogOptions options) {
        RaftGroupId groupId = RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(("ratchet:" + options.clusterId()).getBytes(StandardCharsets.UTF_8)));
        List<RaftPeer> peers = options.peers().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.address()).build())
                .toList();
        return RaftGroup.valueOf(groupId, peers);
    }

    @Override
    public String memberId() {
        return options.memberId();
    }

    @Override
    public CompletableFuture<byte[]> submit(byte[] command) {
        if (command.length > LogOptions.MAX_COMMAND_BYTES) {
            return CompletableFuture.failedFuture(new LogException.Fatal("Expected a command of at most "
                    + LogOptions.MAX_COMMAND_BYTES + " bytes, but it has " + command.length, null));
        }
        CompletableFuture<CommandBatcher.Reply> replicated = batcher.submit(command);
        return withDeadline(replicated.thenApply(CommandBatcher.Reply::reply), "submit").whenComplete((reply, failure) -> {
            if (failure != null) {
                // Not yet sent? Then the batcher drops it instead of replicating a command nobody waits for.
                replicated.completeExceptionally(failure);
            }
        });
    }

    private CompletableFuture<CommandBatcher.EntryReply> send(byte[] entry) {
        return client.async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry)))
                .thenApply(reply -> {
                    checkSuccess(reply);
                    return new CommandBatcher.EntryReply(
                            BatchFrame.decodeReplies(reply.getMessage().getContent().toByteArray()), reply.getLogIndex());
                });
    }

    @Override
    public CompletableFuture<byte[]> query(byte[] request) {
        CompletableFuture<byte[]> answer = client.async()
                .sendReadOnlyUnordered(Message.valueOf(UnsafeByteOperations.unsafeWrap(request)), selfId)
                .thenApply(reply -> {
                    checkSuccess(reply);
                    return reply.getMessage().getContent().toByteArray();
                });
        return withDeadline(answer, "query");
    }

    private CompletableFuture<byte[]> withDeadline(CompletableFuture<byte[]> future, String what) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        future.orTimeout(options.submitTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(translate(failure, what));
            }
        });
        return result;
    }

    private static void checkSuccess(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException());
        }
    }

    /** Maps what Ratis and the JDK throw onto the typed {@link LogException}s. */
    LogException translate(Throwable failure, String what) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof LogException e) {
            return e;
        }
        String prefix = "Member " + memberId() + ": " + what + " failed: ";
        if (cause instanceof TimeoutException || cause instanceof TimeoutIOException) {
            return new LogException.Timeout(prefix + "not committed within " + options.submitTimeout().toMillis()
                    + " ms (it may still commit)", cause);
        }
        if (cause instanceof NotLeaderException e) {
            RaftPeer suggested = e.getSuggestedLeader();
            return new LogException.NotLeader(prefix + cause.getMessage(),
                    suggested == null ? null : suggested.getId().toString(), cause);
        }
        if (cause instanceof LeaderNotReadyException || cause instanceof LeaderSteppingDownException
                || cause instanceof RaftRetryFailureException) {
            return new LogException.NoLeader(prefix + cause.getMessage(), cause);
        }
        if (cause instanceof ResourceUnavailableException) {
            return new LogException.Timeout(prefix + "the leader is overloaded: " + cause.getMessage(), cause);
        }
        if (cause instanceof AlreadyClosedException) {
            return new LogException.Fatal(prefix + "the member is closed", cause);
        }
        if (cause instanceof StateMachineException || cause instanceof IllegalArgumentException) {
            return new LogException.Fatal(prefix + cause.getMessage(), cause);
        }
        if (cause instanceof IOException) {
            return new LogException.NoLeader(prefix + cause.getMessage(), cause);
        }
        return new LogException.Fatal(prefix + cause, cause);
    }

    @Override
    public MemberStatus status() {
        RaftServer.Division division = stateMachine.division();
        if (division == null) {
            return new MemberStatus(memberId(), Role.UNKNOWN, null, 0, -1, stateMachine.lastAppliedIndex(),
                    stateMachine.journalBytes(), stateMachine.snapshotIndex(), -1, stateMachine.storageFault());
        }
        DivisionInfo info = division.getInfo();
        RaftPeerId leader = info.getLeaderId();
        return new MemberStatus(memberId(), role(info), leader == null ? null : leader.toString(),
                info.getCurrentTerm(), division.getRaftLog().getLastCommittedIndex(), stateMachine.lastAppliedIndex(),
                stateMachine.journalBytes(), stateMachine.snapshotIndex(), division.getRaftLog().getStartIndex(),
                stateMachine.storageFault());
    }

    private static Role role(DivisionInfo info) {
        if (!info.isAlive()) {
            return Role.UNKNOWN;
        }
        return switch (info.getCurrentRole()) {
            case LEADER -> Role.LEADER;
            case FOLLOWER -> Role.FOLLOWER;
            case CANDIDATE -> Role.CANDIDATE;
            default -> Role.UNKNOWN;
        };
    }

    @Override
    public void addRoleListener(RoleListener listener) {
        stateMachine.addRoleListener(listener);
    }

    @Override
    public CompletableFuture<Long> takeSnapshot() {
        return snapshotCovering(stateMachine.lastAppliedIndex(), 3)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(e, "snapshot")));
    }

    /**
     * A request starts a write off the apply thread and answers with the latest snapshot already on disk; once the
     * write is done, the next request publishes it. A write already under way when asked may predate
     * {@code target}, hence a few rounds.
     */
    private CompletableFuture<Long> snapshotCovering(long target, int rounds) {
        return requestSnapshot().thenCompose(index -> index >= target || rounds <= 1
                ? CompletableFuture.completedFuture(index)
                : stateMachine.snapshotWriteDone().thenComposeAsync(done -> snapshotCovering(target, rounds - 1),
                        admin));
    }

    /** Asks Ratis to call the state machine's takeSnapshot now; completes with the index of the latest snapshot. */
    private CompletableFuture<Long> requestSnapshot() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                RaftClientReply reply = client.getSnapshotManagementApi(selfId)
                        .create(true, options.submitTimeout().toMillis());
                checkSuccess(reply);
                return reply.getLogIndex();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, admin);
    }

    @Override
    public CompletableFuture<JournalDigest> journalDigest(long from, long to) {
        return CompletableFuture.supplyAsync(() -> stateMachine.journalDigest(from, to), admin)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(e, "journal digest")));
    }

    @Override
    public void close() {
        batcher.close();
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new LogException.Fatal("Member " + memberId() + " did not close cleanly: " + e.getMessage(), e);
        } finally {
            admin.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "RatisMember{" + memberId() + "}";
    }
}
