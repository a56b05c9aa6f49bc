package io.ratchet.log;

import java.util.Objects;

/**
 * One member of the group: its id, the port its Raft (gRPC) server listens on, and the port the other members dial
 * to reach it, which differs only when something (a proxy, a NAT) sits in front of the listening port.
 */
public record Peer(String id, String host, int raftPort, int peerPort) {
    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        checkPort(raftPort, "raftPort", id);
        checkPort(peerPort, "peerPort", id);
    }

    /** A member dialed where it listens. */
    public Peer(String id, String host, int raftPort) {
        this(id, host, raftPort, raftPort);
    }

    /** Where the other members dial this one. */
    public String address() {
        return host + ":" + peerPort;
    }

    private static void checkPort(int port, String name, String id) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("Expected " + name + " of peer '" + id + "' in 1..65535, but was " + port);
        }
    }
}
