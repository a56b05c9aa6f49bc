package io.ratchet.chaos.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 in front of one node's Raft port, which every other node dials instead (the node's
 * {@code raft-peer-port}): it passes bytes on both ways as the {@link Network} says, knowing which node opened each
 * connection from {@link SocketOwners}. Stays up while the node behind it is killed and restarted.
 */
final class FaultProxy implements AutoCloseable {

    private static final byte[] END = new byte[0];

    /** A chunk read from one side, to be written to the other once {@code dueNanos} has come. */
    private record Chunk(long dueNanos, byte[] bytes) {
    }

    private final String to;
    private final int targetPort;
    private final Network network;
    private final SocketOwners owners;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    FaultProxy(String to, int targetPort, Network network, SocketOwners owners) throws IOException {
        this.to = to;
        this.targetPort = targetPort;
        this.network = network;
        this.owners = owners;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("chaos-proxy-" + to, this::acceptLoop).start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                String from = owners.ownerOf(in.getPort(), server.getLocalPort());
                Socket out;
                try {
                    out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    in.close(); // the node is down: refused, as without a proxy
                    continue;
                }
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                open.add(in);
                open.add(out);
                pipe(in, out, from, to);
                pipe(out, in, to, from);
            } catch (IOException e) {
                // closed, or one connection failed: go on accepting until closed
            }
        }
    }

    /** Moves bytes from {@code src} to {@code dst}: a reader stamps each chunk, a writer holds it as the link says. */
    private void pipe(Socket src, Socket dst, String fromNode, String toNode) {
        BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(256);
        daemon("chaos-proxy-read-" + fromNode + ">" + toNode, () -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = src.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    chunks.put(new Chunk(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(network.delayMs()),
                            Arrays.copyOf(buffer, n)));
                }
                chunks.put(new Chunk(0, END));
            } catch (IOException | InterruptedException e) {
                closeBoth(src, dst);
            }
        }).start();
        daemon("chaos-proxy-write-" + fromNode + ">" + toNode, () -> {
            try {
                OutputStream out = dst.getOutputStream();
                while (true) {
                    Chunk chunk = chunks.take();
                    if (chunk.bytes() == END) {
                        dst.shutdownOutput();
                        return;
                    }
                    network.awaitOpen(fromNode, toNode);
                    for (long wait; (wait = chunk.dueNanos() - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait); // the injected latency
                    }
                    out.write(chunk.bytes());
                }
            } catch (IOException | InterruptedException e) {
                closeBoth(src, dst);
            }
        }).start();
    }

    private void closeBoth(Socket a, Socket b) {
        for (Socket s : new Socket[]{a, b}) {
            open.remove(s);
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
        open.clear();
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
