package io.ratchet.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ratchet.api.barrier.BarrierDialect;
import io.ratchet.api.barrier.BarrierWork;
import io.ratchet.api.barrier.BranchBarrier;
import io.ratchet.api.branch.BranchAnswer;
import io.ratchet.api.branch.BranchFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small but real business service for the examples: a bank whose accounts live in H2, answering the
 * coordinator's branch calls through the JDK HTTP server, every handler guarded by the {@link BranchBarrier}.
 * This is the shape a user's own service takes: parse the query, open a connection, {@code barrier.call}, answer
 * with {@link BranchAnswer}.
 *
 * <p>Accounts have a {@code balance} and a {@code trading_balance} (the part reserved by a TCC try). Bodies are
 * {@code {"userId":1,"amount":30}}.
 */
public final class BankService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String jdbcUrl = "jdbc:h2:mem:bank-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);

    private BankService() throws IOException, SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("create table account(user_id int primary key, balance decimal(10,2) not null,"
                    + " trading_balance decimal(10,2) not null default 0)");
            BarrierDialect.H2.createTable(c);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        // saga: debit and credit, each with its compensation
        route("/saga/transOut", (c, t) -> change(c, t.userId, "balance", -t.amount, true));
        route("/saga/transOutCompensate", (c, t) -> change(c, t.userId, "balance", t.amount, false));
        route("/saga/transIn", (c, t) -> change(c, t.userId, "balance", t.amount, false));
        route("/saga/transInCompensate", (c, t) -> change(c, t.userId, "balance", -t.amount, false));
        // tcc: the try reserves in trading_balance, confirm moves it into balance, cancel releases it
        route("/tcc/transOutTry", (c, t) -> change(c, t.userId, "trading_balance", -t.amount, true));
        route("/tcc/transOutConfirm", (c, t) -> confirm(c, t.userId, -t.amount));
        route("/tcc/transOutCancel", (c, t) -> change(c, t.userId, "trading_balance", t.amount, false));
        route("/tcc/transInTry", (c, t) -> change(c, t.userId, "trading_balance", t.amount, false));
        route("/tcc/transInConfirm", (c, t) -> confirm(c, t.userId, t.amount));
        route("/tcc/transInCancel", (c, t) -> change(c, t.userId, "trading_balance", -t.amount, false));
        // msg: the step the coordinator calls after the local transaction, and the back-check
        route("/msg/transIn", (c, t) -> change(c, t.userId, "balance", t.amount, false));
        server.createContext("/msg/queryPrepared", exchange -> {
            BranchAnswer answer;
            try (Connection c = connection()) {
                answer = BranchBarrier.fromQueryString(exchange.getRequestURI().getRawQuery()).queryPrepared(c);
            } catch (Exception e) {
                answer = BranchAnswer.of(e);
            }
            reply(exchange, answer);
        });
        server.start();
    }

    public static BankService start() throws IOException, SQLException {
        return new BankService();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** A new connection to the bank's database; the application side of the examples uses it too. */
    public Connection connection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    public void open(int userId, long balance) throws SQLException {
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement("merge into account(user_id, balance, trading_balance) values(?,?,0)")) {
            s.setInt(1, userId);
            s.setLong(2, balance);
            s.executeUpdate();
        }
    }

    public long balance(int userId) throws SQLException {
        return column(userId, "balance");
    }

    public long tradingBalance(int userId) throws SQLException {
        return column(userId, "trading_balance");
    }

    /**
     * Debits (negative amount) or credits a column; with {@code mustCover}, refuses with FAILURE when the available
     * money (balance + trading_balance) would go negative; a missing account is a FAILURE too.
     */
    static void change(Connection c, int userId, String column, long amount, boolean mustCover) throws SQLException {
        String sql = "update account set " + column + " = " + column + " + ? where user_id = ?"
                + (mustCover ? " and balance + trading_balance + ? >= 0" : "");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, amount);
            s.setInt(2, userId);
            if (mustCover) {
                s.setLong(3, amount);
            }
            if (s.executeUpdate() == 0) {
                throw new BranchFailure("account " + userId + (mustCover ? " cannot cover " + -amount : " not found"));
            }
        }
    }

    private static void confirm(Connection c, int userId, long amount) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "update account set balance = balance + ?, trading_balance = trading_balance - ? where user_id = ?")) {
            s.setLong(1, amount);
            s.setLong(2, amount);
            s.setInt(3, userId);
            s.executeUpdate();
        }
    }

    private long column(int userId, String column) throws SQLException {
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement("select " + column + " from account where user_id = ?")) {
            s.setInt(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private record Transfer(int userId, long amount) {
    }

    @FunctionalInterface
    private interface Handler {
        void handle(Connection c, Transfer transfer) throws SQLException;
    }

    private void route(String path, Handler handler) {
        server.createContext(path, exchange -> {
            BranchAnswer answer;
            try {
                Map<String, String> query = BranchBarrier.parseQuery(exchange.getRequestURI().getRawQuery());
                JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                Transfer transfer = new Transfer(body.path("userId").asInt(), body.path("amount").asLong());
                BarrierWork work = c -> handler.handle(c, transfer);
                try (Connection c = connection()) {
                    BranchBarrier.fromQuery(query).call(c, work);
                }
                answer = BranchAnswer.success();
            } catch (Exception e) {
                answer = BranchAnswer.of(e);
            }
            reply(exchange, answer);
        });
    }

    private static void reply(HttpExchange exchange, BranchAnswer answer) {
        try (exchange) {
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", BranchAnswer.CONTENT_TYPE);
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
