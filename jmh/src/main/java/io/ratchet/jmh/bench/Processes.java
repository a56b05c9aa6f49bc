package io.ratchet.jmh.bench;

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

/**
 * The processes of a benchmark run: three nodes from the fat jar on free ports (a configuration that includes the
 * repository's cluster.conf) and the business service; all destroyed on {@link #close} and on JVM exit. A node can
 * be killed and started again with the command line it first had.
 */
final class Processes implements AutoCloseable {

    private final Path repo;
    private final Path dir;
    private final List<Process> started = new ArrayList<>();
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    /** Each node's command line, for {@link #restart}; its process is {@code started} at the same position. */
    private final Map<String, List<String>> nodeCommands = new LinkedHashMap<>();
    private int servicePort;

    Processes(Path repo, Path dir) {
        this.repo = repo;
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-processes"));
    }

    /** Starts n1..n3, each with {@code nodeArgs} ({@code --ratchet.key=value} overrides), and waits until one leads. */
    void startCluster(String extraConf, List<String> nodeArgs) throws IOException, InterruptedException {
        StringBuilder conf = new StringBuilder("include file(\"" + repo.resolve("cluster.conf") + "\")\n");
        for (String id : List.of("n1", "n2", "n3")) {
            int http = freePort();
            httpPorts.put(id, http);
            conf.append("ratchet.nodes.").append(id).append(" { raft-port = ").append(freePort())
                    .append(", http-port = ").append(http).append(", data-dir = \"data/").append(id).append("\" }\n");
        }
        // One line per transaction event would cost the nodes more than the work measured.
        conf.append("ratchet.log.transactions = warn\n").append(extraConf).append('\n');
        Path config = dir.resolve("cluster.conf");
        Files.writeString(config, conf);
        for (String id : httpPorts.keySet()) {
            List<String> command = new ArrayList<>(List.of(java(), "@" + repo.resolve("node/target/jvm.options"),
                    "-jar", repo.resolve("node/target/ratchet-node.jar").toString(), "--config", config.toString(),
                    "--node", id));
            command.addAll(nodeArgs);
            nodeCommands.put(id, List.copyOf(command));
            started.add(startNode(id));
        }
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            for (String url : nodeUrls()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/ratchet/status"))
                            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.body().contains("\"role\":\"leader\"")) {
                        return;
                    }
                } catch (IOException e) {
                    // not up yet
                }
            }
            Thread.sleep(200); // polling a process we started, with a deadline
        }
        throw new IOException("No leader within 120 s; see the node logs in " + dir);
    }

    private Process startNode(String id) throws IOException {
        return new ProcessBuilder(nodeCommands.get(id)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".log").toFile())).start();
    }

    /** SIGKILLs node {@code id} and waits until it has exited. */
    synchronized void kill(String id) throws InterruptedException {
        Process p = node(id);
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
        p.waitFor();
    }

    /** Starts node {@code id} again, with the command line and data directory it had. */
    synchronized void restart(String id) throws IOException {
        started.set(nodeIndex(id), startNode(id));
    }

    /** The node ids, n1..n3. */
    List<String> nodeIds() {
        return List.copyOf(httpPorts.keySet());
    }

    String nodeUrl(String id) {
        return "http://127.0.0.1:" + httpPorts.get(id);
    }

    /** The current process of node {@code id}. */
    synchronized Process node(String id) {
        return started.get(nodeIndex(id));
    }

    /** Node {@code id}'s data directory, as the generated configuration names it. */
    Path dataDir(String id) {
        return dir.resolve("data").resolve(id);
    }

    private int nodeIndex(String id) {
        int i = new ArrayList<>(nodeCommands.keySet()).indexOf(id);
        if (i < 0) {
            throw new IllegalArgumentException("Expected one of " + nodeCommands.keySet() + ", but got '" + id + "'");
        }
        return i;
    }

    /** Starts the business service process and waits for its "listening" line. */
    void startService(String classpath, int branches) throws IOException {
        Process p = new ProcessBuilder(java(), "-cp", classpath, BranchService.class.getName(),
                String.valueOf(freePort()), String.valueOf(branches)).redirectErrorStream(true).start();
        started.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("listening ")) {
                servicePort = Integer.parseInt(line.substring("listening ".length()).trim());
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "bench-service-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IOException("The business service exited before listening");
    }

    /** CPU time used so far by each process started (n1, n2, n3, service) and by this JVM, in ms. */
    Map<String, Long> cpuMillis() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(httpPorts.keySet());
        names.add("business service");
        for (int i = 0; i < started.size() && i < names.size(); i++) {
            cpu.put(names.get(i), started.get(i).info().totalCpuDuration().map(Duration::toMillis).orElse(-1L));
        }
        cpu.put("load generator", ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L));
        return cpu;
    }

    /** Starts a JFR recording ("profile" settings, through jcmd) on each node into {@code dir/<id>-<tag>.jfr}. */
    List<Path> startRecording(Path dir, String tag) throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        List<String> ids = new ArrayList<>(httpPorts.keySet());
        for (int i = 0; i < ids.size(); i++) {
            Path file = dir.resolve(ids.get(i) + "-" + tag + ".jfr");
            jcmd(started.get(i), "JFR.start", "name=bench", "settings=profile", "filename=" + file);
            files.add(file);
        }
        return files;
    }

    /** Stops the recordings {@link #startRecording} began, which writes their files. */
    void stopRecording() throws IOException, InterruptedException {
        for (int i = 0; i < httpPorts.size(); i++) {
            jcmd(started.get(i), "JFR.stop", "name=bench");
        }
    }

    private static void jcmd(Process target, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(target.pid())));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || out.contains("Could not") || out.contains("Exception")) {
            throw new IOException(String.join(" ", line) + " failed: " + out.strip());
        }
    }

    List<String> nodeUrls() {
        return httpPorts.keySet().stream().map(this::nodeUrl).toList();
    }

    int servicePort() {
        return servicePort;
    }

    @Override
    public synchronized void close() {
        started.forEach(Process::destroyForcibly);
        for (Process p : started) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
