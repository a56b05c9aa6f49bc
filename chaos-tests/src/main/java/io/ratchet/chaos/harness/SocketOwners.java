package io.ratchet.chaos.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which node process opened a loopback TCP connection, read from Linux's {@code /proc}: the connection's socket
 * inode from {@code /proc/net/tcp}, then the process holding a descriptor on it. Every node dials the same proxy
 * address for a peer (Raft shares peer addresses through its configuration entries), so the proxy cannot tell the
 * caller from the port it dialed.
 */
final class SocketOwners {

    static final String UNKNOWN = "?";

    private final Supplier<Map<String, Long>> pids;

    /** @param pids node id → pid of the running processes, read afresh for each connection */
    SocketOwners(Supplier<Map<String, Long>> pids) {
        this.pids = pids;
    }

    /** The node whose process holds the client end {@code clientPort} → {@code serverPort}, or {@link #UNKNOWN}. */
    String ownerOf(int clientPort, int serverPort) {
        long inode = inode(clientPort, serverPort);
        if (inode <= 0) {
            return UNKNOWN;
        }
        String socket = "socket:[" + inode + "]";
        for (Map.Entry<String, Long> node : pids.get().entrySet()) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", node.getValue().toString(), "fd"))) {
                for (Path fd : fds) {
                    try {
                        if (socket.equals(Files.readSymbolicLink(fd).toString())) {
                            return node.getKey();
                        }
                    } catch (IOException e) {
                        // the descriptor closed while we looked
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }
        return UNKNOWN;
    }

    private static long inode(int clientPort, int serverPort) {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].contains(":") && port(f[1]) == clientPort && port(f[2]) == serverPort) {
                        return Long.parseLong(f[9]);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // no such table here (no IPv6), or a header line
            }
        }
        return -1;
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }
}
