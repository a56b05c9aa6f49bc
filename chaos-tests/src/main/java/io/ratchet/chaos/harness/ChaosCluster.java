package io.ratchet.chaos.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Three node processes from {@code node/target/ratchet-node.jar} (the repository's cluster.conf on free ports, data
 * under {@code dir}) plus the bank process, with the faults a nemesis needs: SIGKILL, SIGSTOP/SIGCONT, restart, and
 * the {@link Network} between nodes, whose Raft traffic all goes through a {@link FaultProxy} per node. Every
 * process is destroyed on {@link #close} and on JVM exit.
 */
public final class ChaosCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path repo;
    private final Path dir;
    private final List<String> nodeJvmArgs;
    private final Path config;
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    private final Map<String, Process> nodes = new LinkedHashMap<>();
    private final Network network = new Network();
    private final List<FaultProxy> proxies = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process bank;
    private int bankPort;

    /**
     * @param nodeJvmArgs extra JVM arguments of the nodes, e.g. {@code -Dratchet.chaos.broken-compensation=true}
     * @param extraConf   HOCON lines appended to the configuration
     */
    public ChaosCluster(Path repo, Path dir, List<String> nodeJvmArgs, String extraConf) throws IOException {
        this.repo = repo;
        this.dir = dir;
        this.nodeJvmArgs = List.copyOf(nodeJvmArgs);
        if (!Files.isRegularFile(repo.resolve("node/target/ratchet-node.jar"))) {
            throw new IllegalStateException("Expected node/target/ratchet-node.jar; build it first (mvn package)");
        }
        StringBuilder conf = new StringBuilder("include file(\"" + repo.resolve("cluster.conf") + "\")\n");
        SocketOwners owners = new SocketOwners(this::pids);
        for (String id : List.of("n1", "n2", "n3")) {
            int port = freePort();
            int raftPort = freePort();
            FaultProxy proxy = new FaultProxy(id, raftPort, network, owners);
            proxies.add(proxy);
            httpPorts.put(id, port);
            conf.append("ratchet.nodes.").append(id).append(" { raft-port = ").append(raftPort)
                    .append(", raft-peer-port = ").append(proxy.port())
                    .append(", http-port = ").append(port).append(", data-dir = \"data/").append(id).append("\" }\n");
        }
        conf.append(extraConf).append('\n');
        config = dir.resolve("cluster.conf");
        Files.writeString(config, conf);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "chaos-cluster"));
    }

    public List<String> ids() {
        return List.copyOf(httpPorts.keySet());
    }

    /** The links between nodes, for partitions and latency. */
    public Network network() {
        return network;
    }

    private synchronized Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        nodes.forEach((id, p) -> pids.put(id, p.pid()));
        return pids;
    }

    public String url(String id) {
        return "http://127.0.0.1:" + httpPorts.get(id);
    }

    public synchronized void start(String id) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "@" + repo.resolve("node/target/jvm.options")));
        // C1 only: a restarted node spends its first seconds compiling, and with C2 too, on 2 cores shared by three
        // nodes, the bank and the clients, it took ~12 s to serve (its main thread got 0.65 s of CPU in 5.7 s).
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(nodeJvmArgs);
        command.addAll(List.of("-jar", repo.resolve("node/target/ratchet-node.jar").toString(), "--config",
                config.toString(), "--node", id));
        nodes.put(id, new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile())).start());
    }

    /** SIGKILL, as a crash. */
    public synchronized void kill(String id) throws InterruptedException {
        Process p = nodes.remove(id);
        if (p != null) {
            p.destroyForcibly().waitFor();
        }
    }

    public boolean running(String id) {
        Process p = nodes.get(id);
        return p != null && p.isAlive();
    }

    /** SIGSTOP ({@code true}) or SIGCONT: a node that stops answering without dying, then wakes up stale. */
    public void pause(String id, boolean stop) throws IOException, InterruptedException {
        Process p = nodes.get(id);
        if (p != null) {
            new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(p.pid())).start().waitFor();
        }
    }

    /** Where the node's output goes (appended across restarts). */
    public Path log(String id) {
        return dir.resolve(id + ".log");
    }

    /** Asks the node to take a snapshot now; completes when it answers. */
    public CompletableFuture<HttpResponse<String>> requestSnapshot(String id) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url(id) + "/api/ratchet/snapshot"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The node's /api/ratchet/status, or empty when it does not answer within a second. */
    public Optional<JsonNode> status(String id) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(id) + "/api/ratchet/status"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The node that says it leads and that every other answering node names, if there is one. */
    public Optional<String> leader() {
        String leader = null;
        for (String id : ids()) {
            Optional<JsonNode> s = status(id);
            if (s.isPresent() && s.get().path("role").asText().equals("leader")) {
                leader = id;
            }
        }
        return Optional.ofNullable(leader);
    }

    /** Starts the bank process ({@link io.ratchet.chaos.bank.BankService}) with this JVM's classpath. */
    public void startBank(int accounts, long balance, int faultPercent, long seed) throws IOException {
        bank = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                "io.ratchet.chaos.bank.BankService", dir.resolve("bank").toString(), String.valueOf(accounts),
                String.valueOf(balance), String.valueOf(faultPercent), String.valueOf(seed))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(bank.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("listening ")) {
                bankPort = Integer.parseInt(line.substring(10).trim());
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "chaos-bank-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IOException("The bank exited before listening");
    }

    public String bankUrl(String path) {
        return "http://127.0.0.1:" + bankPort + path;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() {
        List<Process> all = new ArrayList<>(nodes.values());
        if (bank != null) {
            all.add(bank);
        }
        for (Process p : all) {
            try {
                new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
            } catch (IOException | InterruptedException e) {
                // it may be gone already
            }
            p.destroyForcibly();
        }
        nodes.clear();
        bank = null;
        network.heal();
        proxies.forEach(FaultProxy::close);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
