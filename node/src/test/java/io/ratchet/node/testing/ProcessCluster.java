package io.ratchet.node.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ratchet.log.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Three real node processes from the fat jar, configured by the shipped {@code cluster.conf} with ports chosen at
 * run time and data under a temporary directory; to be killed (SIGKILL), restarted and asked for their status.
 */
public final class ProcessCluster implements AutoCloseable {

    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path JAR = MODULE.resolve("target/ratchet-node.jar");
    private static final Path JVM_OPTIONS = MODULE.resolve("target/jvm.options");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path config;
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private ProcessCluster(Path dir, String extraConf) throws IOException {
        this.dir = dir;
        if (!Files.isRegularFile(JAR) || !Files.isRegularFile(JVM_OPTIONS)) {
            throw new IllegalStateException("Expected " + JAR + " and " + JVM_OPTIONS + "; run mvn package first");
        }
        StringBuilder conf = new StringBuilder("include file(\"" + MODULE.getParent().resolve("cluster.conf") + "\")\n");
        // The OS may hand out a port it just freed again: six distinct ones, or a node refuses the configuration.
        Set<Integer> ports = new java.util.LinkedHashSet<>();
        while (ports.size() < 6) {
            ports.add(FreePorts.next());
        }
        java.util.Iterator<Integer> free = ports.iterator();
        for (String id : List.of("n1", "n2", "n3")) {
            int httpPort = free.next();
            httpPorts.put(id, httpPort);
            conf.append("ratchet.nodes.").append(id).append(" { raft-port = ").append(free.next())
                    .append(", http-port = ").append(httpPort).append(", data-dir = \"data/").append(id).append("\" }\n");
        }
        conf.append(extraConf).append('\n');
        config = dir.resolve("cluster.conf");
        Files.writeString(config, conf);
    }

    /** Starts n1, n2 and n3 from the shipped configuration rewritten to free ports. */
    public static ProcessCluster start(Path dir) throws IOException {
        return start(dir, "");
    }

    /** The same, with HOCON lines appended to the configuration (e.g. {@code ratchet.alert.url = "..."}). */
    public static ProcessCluster start(Path dir, String extraConf) throws IOException {
        ProcessCluster cluster = new ProcessCluster(dir, extraConf);
        for (String id : cluster.ids()) {
            cluster.start(id);
        }
        return cluster;
    }

    public List<String> ids() {
        return List.copyOf(httpPorts.keySet());
    }

    public void start(String id) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "@" + JVM_OPTIONS));
        // -Dratchet.log.ratis=INFO on the test JVM shows Ratis's own logs in the nodes' logs
        Optional.ofNullable(System.getProperty("ratchet.log.ratis")).ifPresent(l -> command.add("-Dratchet.log.ratis=" + l));
        command.addAll(List.of("-jar", JAR.toString(), "--config", config.toString(), "--node", id));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".log").toFile()))
                .start();
        processes.put(id, process);
    }

    /** SIGKILL, as a crash: no shutdown hook runs. */
    public void kill(String id) throws InterruptedException {
        Process process = processes.remove(id);
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The node's data directory (its Raft log, journal and finished store). */
    public Path dataDir(String id) {
        return dir.resolve("data").resolve(id);
    }

    public String url(String id) {
        return "http://127.0.0.1:" + httpPorts.get(id);
    }

    /** The node's status document, or empty when it does not answer. */
    public Optional<JsonNode> status(String id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(id) + "/api/ratchet/status"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Waits until the finished stores of {@code ids} are at the same Raft index with the same digest
     * ({@code GET /api/ratchet/store/digest}); returns that digest.
     */
    public JsonNode awaitEqualFinishedStores(List<String> ids) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Set<String> distinct = new HashSet<>();
            JsonNode last = null;
            for (String id : ids) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(id)
                        + "/api/ratchet/store/digest")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return null;
                }
                last = JSON.readTree(r.body());
                distinct.add(last.path("index").asLong() + "/" + last.path("sha256").asText());
            }
            return distinct.size() == 1 ? last : null;
        }, d -> d != null);
    }

    /** Waits until every running node names the same leader and that leader says it leads; returns its id. */
    public String awaitLeader(Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(50)).until(this::agreedLeader, Optional::isPresent)
                .orElseThrow();
    }

    private Optional<String> agreedLeader() {
        List<JsonNode> statuses = new ArrayList<>();
        for (String id : processes.keySet()) {
            Optional<JsonNode> status = status(id);
            if (status.isEmpty()) {
                return Optional.empty();
            }
            statuses.add(status.get());
        }
        List<String> leaders = statuses.stream().filter(s -> s.path("role").asText().equals("leader"))
                .map(s -> s.path("id").asText()).toList();
        if (leaders.size() != 1 || statuses.stream().anyMatch(s -> !s.path("leader").asText().equals(leaders.get(0)))) {
            return Optional.empty();
        }
        return Optional.of(leaders.get(0));
    }

    public String log(String id) {
        try {
            return Files.readString(dir.resolve(id + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroyForcibly);
        for (Process p : processes.values()) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
