package io.ratchet.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.chaos.harness.ChaosCluster;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks every node, five times a second, whether it leads and in which term, for invariant 7: a node that says it
 * leads in a term another node also led in is a second leader. A paused or dead node just does not answer.
 */
final class LeaderWatch {

    private final ChaosCluster cluster;
    private final Map<Long, Set<String>> byTerm = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread thread;

    LeaderWatch(ChaosCluster cluster) {
        this.cluster = cluster;
    }

    void start() {
        running = true;
        thread = new Thread(() -> {
            while (running) {
                for (String id : cluster.ids()) {
                    Optional<JsonNode> s = cluster.status(id);
                    if (s.isPresent() && s.get().path("role").asText().equals("leader")) {
                        byTerm.computeIfAbsent(s.get().path("term").asLong(), t -> ConcurrentHashMap.newKeySet())
                                .add(id);
                    }
                }
                try {
                    Thread.sleep(200); // the polling period
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "chaos-leader-watch");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }

    Map<Long, Set<String>> byTerm() {
        return Map.copyOf(byTerm);
    }
}
