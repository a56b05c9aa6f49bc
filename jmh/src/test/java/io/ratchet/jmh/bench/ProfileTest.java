package io.ratchet.jmh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {

    @TempDir
    Path dir;

    @Test
    void shouldPutTheMethodThatBurnsTheCpuAtTheTopOfARealRecording() throws Exception {
        Path file = dir.resolve("burn.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            Thread burner = new Thread(() -> {
                long x = 0;
                while (System.nanoTime() < until) {
                    x = Burner.spin(x);
                }
                Burner.sink = x;
            }, "burner-7");
            burner.start();
            burner.join();
            recording.stop();
            recording.dump(file);
        }

        Profile profile = Profile.read(List.of(file));

        assertThat(profile.samples()).isGreaterThan(20);
        String hottest = profile.hotMethods().keySet().iterator().next();
        assertThat(hottest).isEqualTo(Burner.class.getName() + ".spin");
        long spins = profile.hotMethods().get(hottest);
        assertThat(spins).isGreaterThan(profile.samples() / 2);
        assertThat(profile.threads().get("burner")).isGreaterThanOrEqualTo(spins);
        assertThat(profile.self().get("ratchet: other")).isGreaterThanOrEqualTo(spins);
        assertThat(profile.inclusive().get("ratchet: other")).isGreaterThanOrEqualTo(spins);
        assertThat(profile.text()).contains("hottest methods", "ratchet: other", "burner");
    }

    @Test
    void shouldNameTheComponentOfAClassByItsMostSpecificPackage() {
        assertThat(Profile.component("io.ratchet.node.model.Transitions"))
                .isEqualTo("ratchet: model (transitions, store, codec)");
        assertThat(Profile.component("io.ratchet.log.journal.ChronicleJournal"))
                .isEqualTo("ratchet: raft-log (journal, batcher, snapshots)");
        assertThat(Profile.component("org.apache.ratis.thirdparty.io.netty.channel.epoll.Native"))
                .isEqualTo("ratis: gRPC/Netty/protobuf");
        assertThat(Profile.component("org.apache.ratis.server.impl.RaftServerImpl")).isEqualTo("ratis: raft");
        assertThat(Profile.component("io.netty.buffer.PooledByteBufAllocator")).isEqualTo("netty (vert.x)");
        assertThat(Profile.component("java.util.HashMap")).isEqualTo("jdk");
        assertThat(Profile.component("org.h2.Driver")).isEqualTo("other");
        assertThat(Profile.pool("vert.x-eventloop-thread-1")).isEqualTo("vert.x-eventloop-thread");
        assertThat(Profile.pool("grpc-default-executor-12")).isEqualTo("grpc-default-executor");
    }

    /** A method the sampler can only find on top of the stack. */
    static final class Burner {
        static volatile long sink;

        static long spin(long x) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            return x;
        }
    }
}
