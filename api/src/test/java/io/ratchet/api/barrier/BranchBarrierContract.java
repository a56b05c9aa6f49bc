package io.ratchet.api.barrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ratchet.api.barrier.BranchBarrier.Outcome;
import io.ratchet.api.branch.BranchAnswer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The barrier's cases of PROTOCOL.md §8, run against one real database per subclass. The business work appends a
 * row to a {@code ledger} table, so "took effect once" is a row count.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class BranchBarrierContract {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Connection connection;

    /** A new connection to the database under test (one database per test class, shared by its tests). */
    abstract Connection connect() throws SQLException;

    /** True once {@code thread}, inside a barrier call, waits for another transaction's lock. */
    abstract boolean waitsForLock(Thread thread) throws SQLException;

    abstract BarrierDialect expectedDialect();

    @BeforeEach
    void createTables() throws SQLException {
        connection = connect();
        assertThat(BarrierDialect.detect(connection)).isEqualTo(expectedDialect());
        try (Statement s = connection.createStatement()) {
            s.execute("drop table if exists barrier");
            s.execute("drop table if exists ledger");
            s.execute("create table ledger(gid varchar(128), op varchar(45))");
        }
        expectedDialect().createTable(connection);
    }

    @AfterEach
    void close() throws SQLException {
        threads.shutdownNow();
        connection.close();
    }

    private static BarrierWork record(String gid, String op) {
        return c -> {
            try (PreparedStatement insert = c.prepareStatement("insert into ledger(gid, op) values(?, ?)")) {
                insert.setString(1, gid);
                insert.setString(2, op);
                insert.executeUpdate();
            }
        };
    }

    private int ledger(String gid, String op) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("select count(*) from ledger where gid=? and op=?")) {
            q.setString(1, gid);
            q.setString(2, op);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static String gid(String name) {
        return name + "-" + System.nanoTime();
    }

    @Test
    void shouldRunTheWorkOnceAndCommitItWithTheBarrierRows() throws SQLException {
        String gid = gid("normal");

        Outcome outcome = BranchBarrier.of("saga", gid, "01", "action").call(connection, record(gid, "action"));

        assertThat(outcome).isEqualTo(Outcome.EXECUTED);
        assertThat(ledger(gid, "action")).isEqualTo(1);
        assertThat(connection.getAutoCommit()).isTrue();
    }

    @Test
    void shouldSkipADuplicateCallOfTheSameOp() throws SQLException {
        String gid = gid("duplicate");
        BranchBarrier.of("saga", gid, "01", "action").call(connection, record(gid, "action"));

        Outcome again = BranchBarrier.of("saga", gid, "01", "action").call(connection, record(gid, "action"));

        assertThat(again).isEqualTo(Outcome.DUPLICATE);
        assertThat(ledger(gid, "action")).isEqualTo(1);
    }

    @Test
    void shouldAnswerANullCompensationWithoutRunningIt() throws SQLException {
        String gid = gid("null-compensation");

        Outcome cancel = BranchBarrier.of("tcc", gid, "01", "cancel").call(connection, record(gid, "cancel"));

        assertThat(cancel).isEqualTo(Outcome.NULL_COMPENSATION);
        assertThat(ledger(gid, "cancel")).isZero();
    }

    @Test
    void shouldRefuseAHangingTryThatArrivesAfterItsCancel() throws SQLException {
        String gid = gid("hanging");
        BranchBarrier.of("tcc", gid, "01", "cancel").call(connection, record(gid, "cancel"));

        Outcome lateTry = BranchBarrier.of("tcc", gid, "01", "try").call(connection, record(gid, "try"));

        assertThat(lateTry).isEqualTo(Outcome.DUPLICATE);
        assertThat(ledger(gid, "try")).isZero();
    }

    @Test
    void shouldCompensateWorkThatRanExactlyOnce() throws SQLException {
        String gid = gid("compensate");
        BranchBarrier.of("saga", gid, "01", "action").call(connection, record(gid, "action"));

        Outcome first = BranchBarrier.of("saga", gid, "01", "compensate").call(connection, record(gid, "compensate"));
        Outcome second = BranchBarrier.of("saga", gid, "01", "compensate").call(connection, record(gid, "compensate"));

        assertThat(first).isEqualTo(Outcome.EXECUTED);
        assertThat(second).isEqualTo(Outcome.DUPLICATE);
        assertThat(ledger(gid, "compensate")).isEqualTo(1);
    }

    @Test
    void shouldRollBackTheBarrierRowsWhenTheWorkFails() throws SQLException {
        String gid = gid("work-fails");
        BranchBarrier barrier = BranchBarrier.of("saga", gid, "01", "action");

        assertThatThrownBy(() -> barrier.call(connection, c -> {
            record(gid, "action").run(c);
            throw new SQLException("disk full");
        })).hasMessage("disk full");
        Outcome retry = BranchBarrier.of("saga", gid, "01", "action").call(connection, record(gid, "action"));

        assertThat(retry).isEqualTo(Outcome.EXECUTED);
        assertThat(ledger(gid, "action")).isEqualTo(1);
    }

    @Test
    void shouldRefuseASecondLocalTransactionOfTheSameMessage() throws SQLException {
        String gid = gid("msg");
        BranchBarrier.forMsg(gid).call(connection, record(gid, "msg"));

        assertThatThrownBy(() -> BranchBarrier.forMsg(gid).call(connection, record(gid, "msg")))
                .isInstanceOf(DuplicatedException.class).hasMessage("duplicated");
        assertThat(ledger(gid, "msg")).isEqualTo(1);
    }

    @Test
    void shouldAnswerTheBackCheckFromWhetherTheLocalTransactionCommitted() throws SQLException {
        String committed = gid("msg-committed");
        String never = gid("msg-never");
        BranchBarrier.forMsg(committed).call(connection, record(committed, "msg"));

        BranchAnswer yes = BranchBarrier.forMsg(committed).queryPrepared(connection);
        BranchAnswer no = BranchBarrier.forMsg(never).queryPrepared(connection);

        assertThat(yes).isEqualTo(BranchAnswer.success());
        assertThat(no.status()).isEqualTo(409);
        assertThat(no.body()).contains("FAILURE").contains("rollback");
        // the back-check's row blocks a local transaction that would start after it
        assertThatThrownBy(() -> BranchBarrier.forMsg(never).call(connection, record(never, "msg")))
                .isInstanceOf(DuplicatedException.class);
        assertThat(ledger(never, "msg")).isZero();
    }

    @Test
    void shouldLetTheUniqueKeyDecideBetweenTwoConcurrentDuplicates() throws Exception {
        String gid = gid("concurrent");
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstInWork = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicReference<Thread> secondThread = new AtomicReference<>();

        // given: the first call is inside its transaction, its barrier rows inserted but not committed
        CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(() -> callWith(gid, c -> {
            record(gid, "action").run(c);
            runs.incrementAndGet();
            firstInWork.countDown();
            awaitLatch(releaseFirst);
        }), threads);
        assertThat(firstInWork.await(20, TimeUnit.SECONDS)).isTrue();

        // when: the duplicate starts and blocks on the first one's row, then the first commits
        CompletableFuture<Outcome> second = CompletableFuture.supplyAsync(() -> {
            secondThread.set(Thread.currentThread());
            return callWith(gid, c -> {
                record(gid, "action").run(c);
                runs.incrementAndGet();
            });
        }, threads);
        await().atMost(Duration.ofSeconds(20)).until(() -> secondThread.get() != null && waitsForLock(secondThread.get()));
        releaseFirst.countDown();

        // then
        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(Outcome.EXECUTED);
        assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo(Outcome.DUPLICATE);
        assertThat(runs).hasValue(1);
        assertThat(ledger(gid, "action")).isEqualTo(1);
    }

    private Outcome callWith(String gid, BarrierWork work) {
        try (Connection own = connect()) {
            return BranchBarrier.of("saga", gid, "01", "action").call(own, work);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Expected the test to release the first call, but it did not");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
