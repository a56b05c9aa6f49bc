package io.ratchet.node.config;

import java.nio.file.Path;

/**
 * Where one node of the cluster listens and keeps its data.
 *
 * @param raftPeerPort where the other nodes dial its Raft server: {@code raftPort} unless a proxy sits in front
 * @param https        whether its HTTP API is served over TLS ({@code ratchet.tls.http})
 */
public record NodeAddress(String id, String host, int raftPort, int raftPeerPort, int httpPort, Path dataDir,
                          boolean https) {

    public String httpUrl() {
        return (https ? "https://" : "http://") + host + ":" + httpPort;
    }
}
