package io.ratchet.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ratchet.log.journal.JournalException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskGuardTest {

    @TempDir
    Path dir;

    private final List<String> faults = new CopyOnWriteArrayList<>();
    private final AtomicInteger clears = new AtomicInteger();

    @Test
    void shouldReportLowSpaceOnceWithoutWaitingForAnAppend() {
        DiskGuard guard = new DiskGuard(dir, Long.MAX_VALUE, faults::add, clears::incrementAndGet);

        guard.watch();
        guard.watch();

        assertThat(guard.fault()).contains("below the floor");
        assertThat(faults).hasSize(1);
        assertThat(clears).hasValue(0);
    }

    @Test
    void shouldNotReportAnythingWhenThereIsRoom() {
        DiskGuard guard = new DiskGuard(dir, 0, faults::add, clears::incrementAndGet);

        guard.watch();
        guard.append(() -> { });

        assertThat(guard.fault()).isNull();
        assertThat(faults).isEmpty();
    }

    @Test
    void shouldHoldAFailedAppendUntilItSucceedsAndNotLetTheWatcherClearIt() throws Exception {
        DiskGuard guard = new DiskGuard(dir, 0, faults::add, clears::incrementAndGet);
        AtomicBoolean fixed = new AtomicBoolean();
        AtomicInteger attempts = new AtomicInteger();
        Thread applier = new Thread(() -> guard.append(() -> {
            attempts.incrementAndGet();
            if (!fixed.get()) {
                throw new JournalException("read-only", null);
            }
        }));
        applier.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> guard.fault() != null);
        guard.watch(); // the disk has room, but the append still fails: the fault stays
        assertThat(guard.fault()).contains("journal append failed: read-only");
        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() >= 2);
        assertThat(applier.isAlive()).isTrue();

        fixed.set(true);
        applier.join(5_000);

        assertThat(applier.isAlive()).isFalse();
        assertThat(guard.fault()).isNull();
        assertThat(faults).hasSize(1);
        assertThat(clears).hasValue(1);
    }
}
