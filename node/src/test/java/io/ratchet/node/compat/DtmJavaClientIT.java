package io.ratchet.node.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ratchet.api.client.RatchetClient;
import io.ratchet.api.wire.QueryResult;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.BusinessService.Answer;
import io.ratchet.node.testing.ProcessCluster;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import pub.dtm.client.DtmClient;
import pub.dtm.client.barrier.BranchBarrier;
import pub.dtm.client.saga.Saga;

/**
 * DTM's published Java SDK ({@code io.github.dtm-labs:dtmcli-java:2.1.5}) used unchanged against three Ratchet
 * node processes: its Saga and Tcc APIs, and its BranchBarrier in a business service on H2 (MySQL mode, since the
 * SDK's barrier writes {@code insert ignore}). The SDK sends pretty-printed JSON with a duplicated {@code subType}
 * key and {@code passthrough_headers}; PROTOCOL.md §1 says the server accepts that.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DtmJavaClientIT {

    private static final Duration FINAL_WITHIN = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProcessCluster cluster;
    private BusinessService service;
    private DtmClient dtm;
    private RatchetClient ratchet;
    private HttpServer barrierBank;
    private final String bankDb = "jdbc:h2:mem:dtm-bank-" + UUID.randomUUID() + ";MODE=MySQL;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";

    @BeforeAll
    void start() throws Exception {
        cluster = ProcessCluster.start(Files.createTempDirectory("dtm-java-it"));
        service = BusinessService.start();
        startBarrierBank();
        cluster.awaitLeader(Duration.ofSeconds(90));
        // The SDK takes one "host:port"; any node serves (a follower forwards to the leader).
        dtm = new DtmClient(cluster.url(cluster.ids().get(1)).substring("http://".length()));
        ratchet = RatchetClient.builder().nodes(cluster.ids().stream().map(cluster::url).toList()).build();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (service != null) {
            service.close();
        }
        if (barrierBank != null) {
            barrierBank.stop(0);
        }
    }

    private String awaitStatus(String gid, String status) {
        return await().atMost(FINAL_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            QueryResult r = ratchet.query(gid).join();
            return r.transaction() == null ? null : r.transaction().status();
        }, status::equals);
    }

    private List<String> seen(String gid) {
        return service.calls(gid).stream().map(c -> c.path().substring(c.path().lastIndexOf('/') + 1)).toList();
    }

    @Test
    void sagaSucceeds() throws Exception {
        String gid = "dtm-java-saga-" + System.nanoTime();
        Saga saga = dtm.newSaga(gid)
                .add(service.url("/" + gid + "/TransOut"), service.url("/" + gid + "/TransOutCompensate"), Map.of("amount", 30))
                .add(service.url("/" + gid + "/TransIn"), service.url("/" + gid + "/TransInCompensate"), Map.of("amount", 30));

        assertThat(saga.submit()).isEqualTo(gid);

        awaitStatus(gid, "succeed");
        assertThat(seen(gid)).containsExactly("TransOut", "TransIn");
        assertThat(service.calls(gid).get(0).body()).isEqualTo("{\"amount\":30}");
    }

    @Test
    void sagaWithAGidFromTheServerRollsBack() throws Exception {
        Saga saga = dtm.newSaga()
                .add(service.url("/rb/TransOut"), service.url("/rb/TransOutCompensate"), Map.of("amount", 30))
                .add(service.url("/rb/TransInFails"), service.url("/rb/TransInCompensate"), Map.of("amount", 30));
        service.answer("/rb/TransInFails", Answer.failure());

        String gid = saga.submit();

        awaitStatus(gid, "failed");
        assertThat(seen(gid)).containsExactly("TransOut", "TransInFails", "TransInCompensate", "TransOutCompensate");
    }

    @Test
    void tccSucceeds() throws Exception {
        String gid = "dtm-java-tcc-" + System.nanoTime();

        String returned = dtm.tccGlobalTransaction(gid, tcc -> {
            tcc.callBranch(Map.of("amount", 30), service.url("/" + gid + "/TransOutTry"),
                    service.url("/" + gid + "/TransOutConfirm"), service.url("/" + gid + "/TransOutCancel"));
            tcc.callBranch(Map.of("amount", 30), service.url("/" + gid + "/TransInTry"),
                    service.url("/" + gid + "/TransInConfirm"), service.url("/" + gid + "/TransInCancel"));
        });

        assertThat(returned).isEqualTo(gid);
        awaitStatus(gid, "succeed");
        assertThat(seen(gid)).containsExactly("TransOutTry", "TransInTry", "TransInConfirm", "TransOutConfirm");
    }

    @Test
    void tccTryFailureCancels() {
        String gid = "dtm-java-tcc-fail-" + System.nanoTime();
        service.answer("/" + gid + "/TransInTry", Answer.failure());

        assertThatThrownBy(() -> dtm.tccGlobalTransaction(gid, tcc -> {
            tcc.callBranch(Map.of("amount", 30), service.url("/" + gid + "/TransOutTry"),
                    service.url("/" + gid + "/TransOutConfirm"), service.url("/" + gid + "/TransOutCancel"));
            tcc.callBranch(Map.of("amount", 30), service.url("/" + gid + "/TransInTry"),
                    service.url("/" + gid + "/TransInConfirm"), service.url("/" + gid + "/TransInCancel"));
        })).isInstanceOf(pub.dtm.client.exception.FailureException.class);

        awaitStatus(gid, "failed");
        assertThat(seen(gid)).containsExactly("TransOutTry", "TransInTry", "TransInCancel", "TransOutCancel");
    }

    @Test
    void barrierOfTheSdkKeepsTccEffectsExactlyOnce() throws Exception {
        String ok = "dtm-java-barrier-" + System.nanoTime();
        String failing = "dtm-java-barrier-fail-" + System.nanoTime();
        String bank = "http://127.0.0.1:" + barrierBank.getAddress().getPort();

        // given: a transfer that works, and one whose second try is refused (account 3 does not exist)
        dtm.tccGlobalTransaction(ok, tcc -> {
            tcc.callBranch(Map.of("userId", 1, "amount", -30), bank + "/try", bank + "/confirm", bank + "/cancel");
            tcc.callBranch(Map.of("userId", 2, "amount", 30), bank + "/try", bank + "/confirm", bank + "/cancel");
        });
        assertThatThrownBy(() -> dtm.tccGlobalTransaction(failing, tcc -> {
            tcc.callBranch(Map.of("userId", 1, "amount", -30), bank + "/try", bank + "/confirm", bank + "/cancel");
            tcc.callBranch(Map.of("userId", 3, "amount", 30), bank + "/try", bank + "/confirm", bank + "/cancel");
        })).isInstanceOf(pub.dtm.client.exception.FailureException.class);

        // then
        awaitStatus(ok, "succeed");
        awaitStatus(failing, "failed");
        assertThat(balance(1)).isEqualTo(70);
        assertThat(balance(2)).isEqualTo(130);
        assertThat(trading(1)).isZero();
        assertThat(trading(2)).isZero();
        assertThat(barrierRows(failing)).containsEntry("02/cancel", "cancel").containsEntry("02/try", "cancel");
    }

    // ---- a business service written with the SDK's BranchBarrier ----

    private void startBarrierBank() throws Exception {
        try (Connection c = DriverManager.getConnection(bankDb); Statement s = c.createStatement()) {
            s.execute("create table account(user_id int primary key, balance int not null, trading int not null default 0)");
            s.execute("insert into account(user_id, balance) values (1, 100), (2, 100)");
            s.execute("create table barrier(id bigint auto_increment primary key, trans_type varchar(45) default '',"
                    + " gid varchar(128) default '', branch_id varchar(128) default '', op varchar(45) default '',"
                    + " barrier_id varchar(45) default '', reason varchar(45) default '',"
                    + " create_time timestamp default current_timestamp, update_time timestamp default current_timestamp,"
                    + " unique key uniq_barrier(gid, branch_id, op, barrier_id))");
        }
        barrierBank = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        barrierBank.setExecutor(Executors.newFixedThreadPool(4));
        barrierBank.createContext("/", exchange -> {
            int status = 200;
            String answer = "{\"dtm_result\":\"SUCCESS\"}";
            try (Connection c = DriverManager.getConnection(bankDb)) {
                JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                int user = body.path("userId").asInt();
                int amount = body.path("amount").asInt();
                BranchBarrier barrier = new BranchBarrier(params(exchange.getRequestURI().getRawQuery()));
                String op = exchange.getRequestURI().getPath().substring(1);
                barrier.call(c, bb -> {
                    String sql = switch (op) {
                        case "try" -> "update account set trading = trading + ? where user_id = ? and balance + trading + ? >= 0";
                        case "confirm" -> "update account set balance = balance + ?, trading = trading - ? where user_id = ?";
                        default -> "update account set trading = trading - ? where user_id = ? and 0 <= ?";
                    };
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        s.setInt(1, amount);
                        s.setInt(2, op.equals("confirm") ? amount : user);
                        s.setInt(3, op.equals("confirm") ? user : (op.equals("try") ? amount : 0));
                        if (s.executeUpdate() == 0 && op.equals("try")) {
                            throw new IllegalStateException("FAILURE: account " + user);
                        }
                    }
                });
            } catch (Exception e) {
                status = 409;
                answer = "{\"dtm_result\":\"FAILURE\",\"message\":\"" + e.getMessage().replace("\"", "'") + "\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        barrierBank.start();
    }

    /** The query as the SDK's BranchBarrier wants it: a servlet-style parameter map. */
    private static Map<String, String[]> params(String rawQuery) {
        Map<String, String[]> map = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            map.put(pair.substring(0, eq), new String[] {pair.substring(eq + 1)});
        }
        return map;
    }

    private int balance(int user) throws SQLException {
        return intQuery("select balance from account where user_id = " + user);
    }

    private int trading(int user) throws SQLException {
        return intQuery("select trading from account where user_id = " + user);
    }

    private int intQuery(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(bankDb); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Map<String, String> barrierRows(String gid) throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(bankDb);
                PreparedStatement s = c.prepareStatement("select branch_id, op, reason from barrier where gid = ?")) {
            s.setString(1, gid);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
                }
            }
        }
        return rows;
    }
}
