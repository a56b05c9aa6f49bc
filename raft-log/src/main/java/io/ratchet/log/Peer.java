package io.ratchet.log;

import java.util.Objects;

/** One member of the group: its id and the address its Raft (gRPC) server listens on. */
public record Peer(String id, String host, int raftPort) {
    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (raftPort <= 0 || raftPort > 65535) {
            throw new IllegalArgumentException("Expected raftPort of peer '" + id + "' in 1..65535, but was " + raftPort);
        }
    }

    public String address() {
        return host + ":" + raftPort;
    }
}
