package io.ratchet.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.ratchet.log.LogOptions;
import io.ratchet.log.Peer;
import io.ratchet.node.security.BearerTokens;
import io.ratchet.node.security.BranchUrlPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node's view of {@code cluster.conf}: the cluster, this node, and the settings of its parts.
 *
 * @param retention                how long and how many finished transactions stay queryable
 * @param maxConcurrentBranchCalls  branch calls the engine makes at once, over all transactions
 * @param alertUrl                  webhook told when a branch reaches {@code alertAfterRetries} retries ("" = off)
 * @param logFormat                 text or JSON lines
 * @param transactionLogLevel       level of the logger {@code io.ratchet.tx} (one line per transaction event)
 * @param branchUrls                the URLs the coordinator may be asked to call
 * @param apiTokens                 bearer tokens for the DTM API (none: open)
 * @param adminTokens               bearer tokens for Ratchet's own API and the metrics (none: open); they open
 *                                  the DTM API too
 * @param maxUnfinishedTransactions past this many unfinished transactions, new ones are refused with 503
 * @param requestLimits             the sizes a request may have
 * @param tls                       HTTPS for the API, mutual TLS for Raft
 */
public record NodeConfig(
        Path configFile,
        String clusterId,
        String nodeId,
        List<NodeAddress> nodes,
        LogOptions log,
        int httpInstances,
        long httpBodyLimitBytes,
        Retention retention,
        int maxConcurrentBranchCalls,
        String alertUrl,
        int alertAfterRetries,
        LogFormat logFormat,
        String transactionLogLevel,
        BranchUrlPolicy branchUrls,
        BearerTokens apiTokens,
        BearerTokens adminTokens,
        int maxUnfinishedTransactions,
        RequestLimits requestLimits,
        TlsSettings tls) {

    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public NodeConfig {
        nodes = List.copyOf(nodes);
    }

    public NodeAddress self() {
        return node(nodeId);
    }

    public NodeAddress node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new ConfigException("Expected node '" + id + "' in ratchet.nodes, but the nodes are "
                        + nodes.stream().map(NodeAddress::id).toList(), null));
    }

    /**
     * Reads {@code file} for node {@code nodeId} ({@code null}: only read the cluster, as scripts do), then applies environment overrides ({@code CONFIG_FORCE_*}) and then {@code flags}
     * (config paths to values), and resolves relative data directories against the file's directory.
     */
    public static NodeConfig load(Path file, String nodeId, Map<String, String> flags) {
        Config config;
        try {
            Config fromFile = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            config = ConfigFactory.parseMap(flags, "command-line flags")
                    .withFallback(ConfigFactory.systemEnvironmentOverrides())
                    .withFallback(fromFile)
                    .resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return from(config.getConfig("ratchet"), file.toAbsolutePath(), nodeId);
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("Invalid configuration in " + file + ": " + e.getMessage(), e);
        }
    }

    private static NodeConfig from(Config c, Path file, String requestedNodeId) {
        Path base = file.getParent();
        String clusterId = c.getString("cluster-id");
        TlsSettings tls = tls(c, base);
        List<NodeAddress> nodes = new ArrayList<>();
        Config nodesConfig = c.getConfig("nodes");
        for (String id : nodesConfig.root().keySet().stream().sorted().toList()) {
            Config n = nodesConfig.getConfig(id);
            int raftPort = port(n, "raft-port", id);
            int raftPeerPort = n.hasPath("raft-peer-port") ? port(n, "raft-peer-port", id) : raftPort;
            nodes.add(new NodeAddress(id, n.getString("host"), raftPort, raftPeerPort, port(n, "http-port", id),
                    base.resolve(n.getString("data-dir")).normalize(), tls.http()));
        }
        checkDistinct(nodes);
        List<Peer> peers = nodes.stream().map(n -> new Peer(n.id(), n.host(), n.raftPort(), n.raftPeerPort())).toList();
        String nodeId = requestedNodeId == null ? nodes.get(0).id() : requestedNodeId;
        if (nodes.stream().noneMatch(n -> n.id().equals(nodeId))) {
            throw new ConfigException("Expected --node to be one of " + nodes.stream().map(NodeAddress::id).toList()
                    + ", but it is '" + nodeId + "'", null);
        }
        NodeAddress self = nodes.stream().filter(n -> n.id().equals(nodeId)).findFirst().orElseThrow();
        LogOptions log;
        try {
            log = new LogOptions(clusterId, nodeId, peers, self.dataDir(),
                    c.getDuration("raft.election-timeout-min"), c.getDuration("raft.election-timeout-max"),
                    c.getDuration("raft.rpc-timeout"), c.getDuration("raft.submit-timeout"),
                    c.getLong("snapshot.threshold-entries"), c.getInt("snapshot.retained"),
                    c.getInt("batching.max-commands"), intBytes(c, "batching.max-bytes"),
                    c.getInt("batching.max-entries-in-flight"), c.getInt("batching.max-queued-commands"),
                    c.getBytes("snapshot.log-segment-size"), tls.raftFiles(), c.getBytes("storage.min-free"),
                    c.getDuration("storage.journal-retention"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid raft, batching or snapshot settings: " + e.getMessage(), e);
        }
        return new NodeConfig(file, clusterId, nodeId, nodes, log, c.getInt("http.instances"),
                c.getBytes("http.body-limit"), new Retention(c.getDuration("retention.finished-transactions"),
                        positive(c, "retention.max-finished"), c.getDuration("retention.sweep-interval")),
                c.getInt("engine.max-concurrent-branch-calls"), c.getString("alert.url"),
                c.getInt("alert.after-retries"), LogFormat.fromConfig(c.getString("log.format")),
                level(c.getString("log.transactions")), branchUrls(c),
                tokens(c, "security.api-tokens"), tokens(c, "security.admin-tokens"),
                positive(c, "limits.max-unfinished-transactions"), new RequestLimits(positive(c, "limits.max-steps"),
                        intBytes(c, "limits.max-payload"), positive(c, "limits.max-url-length")), tls);
    }

    private static TlsSettings tls(Config c, Path base) {
        boolean http = c.getBoolean("tls.http");
        boolean raft = c.getBoolean("tls.raft");
        if (!http && !raft) {
            return TlsSettings.OFF;
        }
        return new TlsSettings(http, raft, file(c, "tls.cert", base), file(c, "tls.key", base),
                file(c, "tls.ca", base));
    }

    private static Path file(Config c, String key, Path base) {
        String value = c.getString(key);
        return value.isEmpty() ? null : base.resolve(value).normalize();
    }

    private static BranchUrlPolicy branchUrls(Config c) {
        try {
            return new BranchUrlPolicy(c.getStringList("security.branch-urls.schemes"),
                    c.getStringList("security.branch-urls.hosts"), c.getStringList("security.branch-urls.ports"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid ratchet.security.branch-urls: " + e.getMessage(), e);
        }
    }

    private static BearerTokens tokens(Config c, String key) {
        try {
            return new BearerTokens(c.getStringList(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid ratchet." + key + ": " + e.getMessage(), e);
        }
    }

    private static int positive(Config c, String key) {
        int value = c.getInt(key);
        if (value < 1) {
            throw new ConfigException("Expected ratchet." + key + " to be at least 1, but it is " + value, null);
        }
        return value;
    }

    private static String level(String value) {
        String level = value.toUpperCase(java.util.Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new ConfigException("Expected ratchet.log.transactions to be one of " + LEVELS.stream().sorted().toList()
                    + ", but it is '" + value + "'", null);
        }
        return level;
    }

    private static int port(Config n, String key, String id) {
        int port = n.getInt(key);
        if (port < 1 || port > 65535) {
            throw new ConfigException("Expected ratchet.nodes." + id + "." + key + " in 1..65535, but it is " + port, null);
        }
        return port;
    }

    private static int intBytes(Config c, String key) {
        long bytes = c.getBytes(key);
        if (bytes > Integer.MAX_VALUE) {
            throw new ConfigException("Expected ratchet." + key + " below 2 GiB, but it is " + bytes, null);
        }
        return (int) bytes;
    }

    private static void checkDistinct(List<NodeAddress> nodes) {
        if (nodes.isEmpty()) {
            throw new ConfigException("Expected at least one node in ratchet.nodes, but there are none", null);
        }
        Set<String> endpoints = new HashSet<>();
        for (NodeAddress n : nodes) {
            for (String endpoint : List.of(n.host() + ":" + n.raftPort(), n.host() + ":" + n.httpPort())) {
                if (!endpoints.add(endpoint)) {
                    throw new ConfigException("Expected every node to listen on its own ports, but " + endpoint
                            + " is used twice (node " + n.id() + ")", null);
                }
            }
        }
        if (nodes.stream().map(NodeAddress::dataDir).distinct().count() != nodes.size()) {
            throw new ConfigException("Expected every node to have its own data-dir, but two share one", null);
        }
    }
}
