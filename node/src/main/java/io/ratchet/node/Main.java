package io.ratchet.node;

import io.ratchet.node.config.ConfigException;
import io.ratchet.node.config.LogFormat;
import io.ratchet.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts one node: {@code java @node/target/jvm.options -jar node/target/ratchet-node.jar --node n1
 * [--config cluster.conf] [--ratchet.some.key=value ...]}. {@code bin/cluster} does this for you.
 *
 * <p>Exit codes: 2 for a usage or configuration error, 1 when the node cannot start (a port in use, storage
 * locked by another process).
 */
public final class Main {

    static final int EXIT_USAGE = 2;
    static final int EXIT_START_FAILED = 1;

    private Main() {
    }

    public static void main(String[] args) {
        if (!Boolean.getBoolean("chronicle.analytics.disable")) {
            // Without the launcher's flags Chronicle cannot map its files on Java 17 and would phone home.
            fail(EXIT_USAGE, "Start the node with the launcher's JVM flags: "
                    + "java @node/target/jvm.options -jar node/target/ratchet-node.jar --node n1 (bin/cluster does this)");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        String nodeId = null;
        boolean listNodes = false;
        Path configFile = Path.of(System.getenv().getOrDefault("RATCHET_CONFIG", "cluster.conf"));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--node") && i + 1 < args.length) {
                nodeId = args[++i];
            } else if (arg.equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if (arg.equals("--list-nodes")) {
                listNodes = true;
            } else if (arg.startsWith("--") && arg.contains("=")) {
                overrides.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                fail(EXIT_USAGE, "Unknown argument '" + arg + "'. Usage: --node <id> [--config <file>] [--<key>=<value>]");
            }
        }
        if (!Files.isRegularFile(configFile)) {
            fail(EXIT_USAGE, "No configuration file at " + configFile.toAbsolutePath()
                    + "; pass --config <file> or set RATCHET_CONFIG");
        }
        if (listNodes) {
            listNodes(configFile, overrides);
            return;
        }
        if (nodeId == null) {
            fail(EXIT_USAGE, "Missing --node <id> (one of the ids under ratchet.nodes in " + configFile + ")");
        }
        NodeConfig config = null;
        try {
            config = NodeConfig.load(configFile, nodeId, overrides);
        } catch (ConfigException e) {
            fail(EXIT_USAGE, e.getMessage());
        }
        // Read by logback when the first logger is made, which is below.
        if (config.logFormat() == LogFormat.JSON && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        System.setProperty("ratchet.log.transactions", config.transactionLogLevel());
        try {
            Node node = Node.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "ratchet-shutdown"));
        } catch (Exception e) {
            e.printStackTrace();
            fail(EXIT_START_FAILED, "Node " + nodeId + " could not start: " + e.getMessage());
        }
    }

    /** For scripts: one line per node, "id host raftPort httpPort dataDir", from the effective configuration. */
    private static void listNodes(Path configFile, Map<String, String> overrides) {
        try {
            NodeConfig any = NodeConfig.load(configFile, null, overrides);
            any.nodes().forEach(n -> System.out.println(n.id() + " " + n.host() + " " + n.raftPort() + " "
                    + n.httpPort() + " " + n.dataDir()));
        } catch (ConfigException e) {
            fail(EXIT_USAGE, e.getMessage());
        }
    }

    private static void fail(int code, String message) {
        System.err.println("ratchet: " + message);
        System.exit(code);
    }
}
