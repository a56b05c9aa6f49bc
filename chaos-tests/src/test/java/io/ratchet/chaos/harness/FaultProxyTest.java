package io.ratchet.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of an echo server, dialed from this JVM, which plays node n1. */
class FaultProxyTest {

    private final Network network = new Network();
    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        server.setDaemon(true);
        server.start();
        SocketOwners owners = new SocketOwners(() -> Map.of("n1", ProcessHandle.current().pid()));
        proxy = new FaultProxy("n2", echo.getLocalPort(), network, owners);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void shouldKnowWhichProcessOpenedAConnection() throws IOException {
        SocketOwners owners = new SocketOwners(() -> Map.of("n7", ProcessHandle.current().pid()));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), echo.getLocalPort())) {
            assertThat(owners.ownerOf(client.getLocalPort(), echo.getLocalPort())).isEqualTo("n7");
            assertThat(new SocketOwners(Map::of).ownerOf(client.getLocalPort(), echo.getLocalPort()))
                    .isEqualTo(SocketOwners.UNKNOWN);
        }
    }

    @Test
    void shouldPassBytesBothWaysUntilTheLinkIsBlockedAndAgainWhenHealed() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            AtomicInteger received = reader(client);
            client.getOutputStream().write(new byte[100]);
            await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 100);

            network.block("n1", "n2");
            client.getOutputStream().write(new byte[50]);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> received.get() == 100);

            network.heal();
            await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 150);
        }
    }

    @Test
    void shouldBlockTheWayBackAloneWhenOnlyThatDirectionDrops() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            AtomicInteger received = reader(client);
            network.block("n2", "n1");
            client.getOutputStream().write(new byte[10]);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> received.get() == 0);

            network.heal();
            await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 10);
        }
    }

    @Test
    void shouldHoldEveryByteForTheDelayEachWay() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            network.delay(100);
            long sent = System.nanoTime();
            client.getOutputStream().write(1);
            assertThat(client.getInputStream().read()).isEqualTo(1);

            assertThat((System.nanoTime() - sent) / 1_000_000).as("round trip ms").isGreaterThanOrEqualTo(195);
        }
    }

    @Test
    void shouldRefuseWhenTheNodeBehindIsDown() throws IOException {
        int port = echo.getLocalPort();
        echo.close();
        try (FaultProxy toNothing = new FaultProxy("n3", port, network, new SocketOwners(Map::of));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), toNothing.port())) {
            assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
    }

    private static AtomicInteger reader(Socket client) {
        AtomicInteger received = new AtomicInteger();
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[1024];
            try {
                for (int n; (n = client.getInputStream().read(buffer)) >= 0; ) {
                    received.addAndGet(n);
                }
            } catch (IOException e) {
                // closed
            }
        });
        t.setDaemon(true);
        t.start();
        return received;
    }
}
