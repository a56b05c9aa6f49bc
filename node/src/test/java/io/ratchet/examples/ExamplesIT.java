package io.ratchet.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ratchet.api.barrier.BranchBarrier;
import io.ratchet.api.branch.BranchFailure;
import io.ratchet.api.client.RatchetClient;
import io.ratchet.api.client.RatchetException;
import io.ratchet.api.wire.QueryResult;
import io.ratchet.node.testing.ProcessCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The examples of the Java client, written as a user's guide would show them: a bank ({@link BankService}, H2 +
 * branch barrier) moves 30 from account 1 to account 2 with a saga, a TCC and a two-phase message, against three
 * real node processes. Each example checks the final status through the client and that the money moved exactly
 * once, also when a branch call is delivered twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExamplesIT {

    private static final Duration FINAL_WITHIN = Duration.ofSeconds(30);

    private ProcessCluster cluster;
    private BankService bank;
    private RatchetClient client;

    @BeforeAll
    void start() throws Exception {
        cluster = ProcessCluster.start(Files.createTempDirectory("examples-it"));
        bank = BankService.start();
        cluster.awaitLeader(Duration.ofSeconds(90));
        // Point the client at every node: whichever one is down, the next one takes the request.
        client = RatchetClient.builder().nodes(cluster.ids().stream().map(cluster::url).toList()).build();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (bank != null) {
            bank.close();
        }
    }

    @BeforeEach
    void openAccounts() throws Exception {
        bank.open(1, 100);
        bank.open(2, 100);
    }

    private record Transfer(int userId, long amount) {
    }

    private String awaitStatus(String gid, String status) {
        return await().atMost(FINAL_WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> statusOf(gid), status::equals);
    }

    private String statusOf(String gid) {
        QueryResult result = client.query(gid).join();
        return result.transaction() == null ? null : result.transaction().status();
    }

    /** Replays a branch call the way a retrying coordinator would: same URL, same parameters, same body. */
    private int replay(String url, String gid, String transType, String branchId, String op, Transfer body) throws Exception {
        String target = url + "?gid=" + gid + "&trans_type=" + transType + "&branch_id=" + branchId + "&op=" + op;
        HttpRequest request = HttpRequest.newBuilder(URI.create(target)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":" + body.userId() + ",\"amount\":" + body.amount() + "}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void sagaMovesTheMoneyOnce() throws Exception {
        // A saga lists each step's action and compensation; the coordinator runs the actions in order.
        String gid = client.saga(null)
                .add(bank.url("/saga/transOut"), bank.url("/saga/transOutCompensate"), new Transfer(1, 30))
                .add(bank.url("/saga/transIn"), bank.url("/saga/transInCompensate"), new Transfer(2, 30))
                .retryInterval(Duration.ofSeconds(1))
                .submit().join();

        awaitStatus(gid, "succeed");
        // a duplicate delivery of the first action is answered SUCCESS and changes nothing (the barrier)
        assertThat(replay(bank.url("/saga/transOut"), gid, "saga", "01", "action", new Transfer(1, 30))).isEqualTo(200);
        assertThat(bank.balance(1)).isEqualTo(70);
        assertThat(bank.balance(2)).isEqualTo(130);
    }

    @Test
    void sagaCompensatesWhenAStepFails() throws Exception {
        // Account 3 does not exist: transIn answers FAILURE, so transOut is compensated.
        String gid = client.saga(null)
                .add(bank.url("/saga/transOut"), bank.url("/saga/transOutCompensate"), new Transfer(1, 30))
                .add(bank.url("/saga/transIn"), bank.url("/saga/transInCompensate"), new Transfer(3, 30))
                .retryInterval(Duration.ofSeconds(1))
                .submit().join();

        awaitStatus(gid, "failed");
        assertThat(bank.balance(1)).isEqualTo(100);
        assertThat(client.query(gid).join().transaction().rollbackReason()).contains("account 3 not found");
    }

    @Test
    void concurrentSagaWaitsForItsResult() throws Exception {
        // Steps 0 and 1 run in parallel; with wait_result the submit answers once the saga has finished.
        String gid = client.saga("example-concurrent-" + System.nanoTime())
                .add(bank.url("/saga/transOut"), bank.url("/saga/transOutCompensate"), new Transfer(1, 30))
                .add(bank.url("/saga/transIn"), bank.url("/saga/transInCompensate"), new Transfer(2, 30))
                .concurrent().order(1, 0)
                .waitResult(true)
                .submit().join();

        assertThat(statusOf(gid)).isEqualTo("succeed");
        assertThat(bank.balance(1)).isEqualTo(70);
        assertThat(bank.balance(2)).isEqualTo(130);
    }

    @Test
    void tccConfirmsEveryTriedBranch() throws Exception {
        // The application tries each branch itself; submit makes the coordinator confirm them.
        String gid = client.tccGlobal(tcc -> tcc
                .callBranch(new Transfer(1, 30), bank.url("/tcc/transOutTry"), bank.url("/tcc/transOutConfirm"),
                        bank.url("/tcc/transOutCancel"))
                .thenCompose(r -> tcc.callBranch(new Transfer(2, 30), bank.url("/tcc/transInTry"),
                        bank.url("/tcc/transInConfirm"), bank.url("/tcc/transInCancel"))))
                .join();

        awaitStatus(gid, "succeed");
        assertThat(replay(bank.url("/tcc/transOutConfirm"), gid, "tcc", "01", "confirm", new Transfer(1, 30))).isEqualTo(200);
        assertThat(bank.balance(1)).isEqualTo(70);
        assertThat(bank.balance(2)).isEqualTo(130);
        assertThat(bank.tradingBalance(1)).isZero();
        assertThat(bank.tradingBalance(2)).isZero();
    }

    @Test
    void tccCancelsWhenATryFails() throws Exception {
        // Account 1 cannot cover 500: the first try answers FAILURE, the client aborts, the coordinator cancels.
        String gid = "example-tcc-fail-" + System.nanoTime();
        assertThatThrownBy(() -> client.tccGlobal(gid, tcc -> tcc
                .callBranch(new Transfer(2, 500), bank.url("/tcc/transInTry"), bank.url("/tcc/transInConfirm"),
                        bank.url("/tcc/transInCancel"))
                .thenCompose(r -> tcc.callBranch(new Transfer(1, 500), bank.url("/tcc/transOutTry"),
                        bank.url("/tcc/transOutConfirm"), bank.url("/tcc/transOutCancel"))))
                .join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(RatchetException.BranchFailed.class)
                .hasMessageContaining("cannot cover 500");

        awaitStatus(gid, "failed");
        // the cancel of the failed try was a null compensation; the other one released its reservation
        assertThat(bank.balance(1)).isEqualTo(100);
        assertThat(bank.balance(2)).isEqualTo(100);
        assertThat(bank.tradingBalance(1)).isZero();
        assertThat(bank.tradingBalance(2)).isZero();
    }

    @Test
    void messageIsSentIfAndOnlyIfTheLocalTransactionCommits() throws Exception {
        // The debit is a local transaction of the application; the credit is the message's step.
        String gid = "example-msg-" + System.nanoTime();
        client.msg(gid).add(bank.url("/msg/transIn"), new Transfer(2, 30)).retryInterval(Duration.ofSeconds(1))
                .doAndSubmit(bank.url("/msg/queryPrepared"), bank::connection,
                        c -> BankService.change(c, 1, "balance", -30, true));

        awaitStatus(gid, "succeed");
        assertThat(bank.balance(1)).isEqualTo(70);
        assertThat(bank.balance(2)).isEqualTo(130);
    }

    @Test
    void messageIsAbortedWhenTheLocalTransactionFails() throws Exception {
        String gid = "example-msg-fail-" + System.nanoTime();
        assertThatThrownBy(() -> client.msg(gid).add(bank.url("/msg/transIn"), new Transfer(2, 500))
                .doAndSubmit(bank.url("/msg/queryPrepared"), bank::connection,
                        c -> BankService.change(c, 1, "balance", -500, true)))
                .isInstanceOf(BranchFailure.class);

        awaitStatus(gid, "failed");
        assertThat(bank.balance(1)).isEqualTo(100);
        assertThat(bank.balance(2)).isEqualTo(100);
    }

    @Test
    void backCheckFinishesAMessageWhoseSubmitWasLost() throws Exception {
        // The application prepared, committed its local transaction, then crashed before submit: after the
        // timeout the coordinator asks queryPrepared, learns the transaction committed, and sends the message.
        String gid = "example-msg-lost-" + System.nanoTime();
        client.msg(gid).add(bank.url("/msg/transIn"), new Transfer(2, 30))
                .timeoutToFail(Duration.ofSeconds(1)).retryInterval(Duration.ofSeconds(1))
                .prepare(bank.url("/msg/queryPrepared")).join();
        try (Connection c = bank.connection()) {
            BranchBarrier.forMsg(gid).call(c, local -> BankService.change(local, 1, "balance", -30, true));
        }

        awaitStatus(gid, "succeed");
        assertThat(bank.balance(1)).isEqualTo(70);
        assertThat(bank.balance(2)).isEqualTo(130);
    }

    @Test
    void backCheckAbortsAMessageWhoseLocalTransactionNeverRan() throws Exception {
        String gid = "example-msg-never-" + System.nanoTime();
        client.msg(gid).add(bank.url("/msg/transIn"), new Transfer(2, 30))
                .timeoutToFail(Duration.ofSeconds(1)).retryInterval(Duration.ofSeconds(1))
                .prepare(bank.url("/msg/queryPrepared")).join();

        awaitStatus(gid, "failed");
        // the back-check's barrier row now blocks a local transaction that starts too late
        assertThatThrownBy(() -> client.msg(gid).add(bank.url("/msg/transIn"), new Transfer(2, 30))
                .doAndSubmit(bank.url("/msg/queryPrepared"), bank::connection,
                        c -> BankService.change(c, 1, "balance", -30, true)))
                .isInstanceOf(RuntimeException.class);
        assertThat(bank.balance(2)).isEqualTo(100);
        assertThat(bank.balance(1)).isEqualTo(100);
    }

    @Test
    void anUnknownGidHasNoTransaction() {
        assertThat(client.query("example-unknown-" + System.nanoTime()).join().transaction()).isNull();
        assertThat(client.all(Map.of("limit", "5")).join().nextPosition()).isNotNull();
    }
}
