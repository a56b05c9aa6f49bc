package io.ratchet.node.config;

import java.nio.file.Path;

/** Where one node of the cluster listens and keeps its data. */
public record NodeAddress(String id, String host, int raftPort, int httpPort, Path dataDir) {

    public String httpUrl() {
        return "http://" + host + ":" + httpPort;
    }
}
