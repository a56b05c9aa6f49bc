package io.ratchet.log.testing;

import static org.awaitility.Awaitility.await;

import io.ratchet.log.LogApplier;
import io.ratchet.log.LogOptions;
import io.ratchet.log.MemberStatus;
import io.ratchet.log.Peer;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.Role;
import io.ratchet.log.journal.ChronicleJournal;
import io.ratchet.log.journal.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Three raft-log members in one JVM over real gRPC sockets on 127.0.0.1 (ports chosen at run time), each with its
 * own applier (a {@link DigestApplier} unless told otherwise), to be stopped, restarted and compared. An applier's
 * digest is what its {@link LogApplier#query} answers to an empty request.
 */
public final class LogTestCluster<A extends LogApplier> implements AutoCloseable {

    private final Map<String, LogOptions> options = new LinkedHashMap<>();
    private final Map<String, A> appliers = new LinkedHashMap<>();
    private final Map<String, ReplicatedLog> members = new LinkedHashMap<>();
    private final Supplier<A> newApplier;

    private LogTestCluster(Path dir, UnaryOperator<LogOptions> customize, Supplier<A> newApplier) {
        this.newApplier = newApplier;
        List<Peer> peers = List.of(
                new Peer("m1", "127.0.0.1", FreePorts.next()),
                new Peer("m2", "127.0.0.1", FreePorts.next()),
                new Peer("m3", "127.0.0.1", FreePorts.next()));
        for (Peer peer : peers) {
            options.put(peer.id(), customize.apply(LogOptions.defaults("test", peer.id(), peers, dir.resolve(peer.id()))));
        }
    }

    /** Starts three members in {@code dir}, each with a {@link DigestApplier}. */
    public static LogTestCluster<DigestApplier> ofThree(Path dir) {
        return ofThree(dir, UnaryOperator.identity());
    }

    public static LogTestCluster<DigestApplier> ofThree(Path dir, UnaryOperator<LogOptions> customize) {
        return ofThree(dir, customize, DigestApplier::new);
    }

    public static <A extends LogApplier> LogTestCluster<A> ofThree(Path dir, UnaryOperator<LogOptions> customize,
                                                                  Supplier<A> newApplier) {
        LogTestCluster<A> cluster = new LogTestCluster<>(dir, customize, newApplier);
        cluster.options.keySet().forEach(cluster::start);
        return cluster;
    }

    public List<String> ids() {
        return List.copyOf(options.keySet());
    }

    /** Starts (or restarts) a member from its data directory, with a fresh applier. */
    public void start(String id) {
        if (members.containsKey(id)) {
            throw new IllegalStateException("Member " + id + " is already running");
        }
        A applier = newApplier.get();
        try {
            members.put(id, ReplicatedLog.start(options.get(id), applier));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        appliers.put(id, applier);
    }

    /** Closes a member without warning the others: to them it is simply gone. */
    public void stop(String id) {
        ReplicatedLog member = members.remove(id);
        if (member != null) {
            member.close();
        }
    }

    public ReplicatedLog member(String id) {
        ReplicatedLog member = members.get(id);
        if (member == null) {
            throw new IllegalStateException("Member " + id + " is not running");
        }
        return member;
    }

    public List<ReplicatedLog> running() {
        return List.copyOf(members.values());
    }

    public A applier(String id) {
        return appliers.get(id);
    }

    public LogOptions options(String id) {
        return options.get(id);
    }

    /** Waits for a leader that every running member agrees on, and returns its id. */
    public String awaitLeader(Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(20)).until(this::agreedLeader, Optional::isPresent)
                .orElseThrow();
    }

    public String awaitLeader() {
        return awaitLeader(Duration.ofSeconds(30));
    }

    private Optional<String> agreedLeader() {
        List<MemberStatus> statuses = members.values().stream().map(ReplicatedLog::status).toList();
        List<MemberStatus> leaders = statuses.stream().filter(s -> s.role() == Role.LEADER).toList();
        if (leaders.size() != 1) {
            return Optional.empty();
        }
        String leader = leaders.get(0).id();
        boolean agreed = statuses.stream().allMatch(s -> leader.equals(s.leaderId()));
        return agreed ? Optional.of(leader) : Optional.empty();
    }

    /** Waits until every running member has applied the same number of commands, then returns their digests. */
    public Map<String, String> awaitConvergedDigests(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() ->
                members.keySet().stream().map(this::digest).distinct().count() == 1);
        return digests();
    }

    public Map<String, String> digests() {
        return members.keySet().stream().collect(Collectors.toMap(id -> id, this::digest, (a, b) -> a,
                LinkedHashMap::new));
    }

    private String digest(String id) {
        return new String(appliers.get(id).query(new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
    }

    public String describe() {
        return members.values().stream().map(m -> m.status().toString()).collect(Collectors.joining("\n"));
    }

    /** A digest of a (stopped) member's whole journal: index, term, timestamp and payload of every record. */
    public String journalDigest(String id) {
        if (members.containsKey(id)) {
            throw new IllegalStateException("Stop member " + id + " before reading its journal");
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[] records = {0};
        try (Journal journal = ChronicleJournal.open(journalDir(id))) {
            journal.replay(-1, -1, r -> {
                sha.update(ByteBuffer.allocate(24).putLong(r.index()).putLong(r.term()).putLong(r.timestampMs()).array());
                sha.update(r.payload());
                records[0]++;
            });
        }
        return HexFormat.of().formatHex(sha.digest()) + "/" + records[0];
    }

    public Path journalDir(String id) {
        return options.get(id).dataDir().resolve("journal");
    }

    @Override
    public void close() {
        List.copyOf(members.keySet()).forEach(this::stop);
    }
}
