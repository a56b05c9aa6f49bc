package io.ratchet.chaos.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ratchet.api.barrier.BarrierDialect;
import io.ratchet.api.barrier.BranchBarrier;
import io.ratchet.api.branch.BranchAnswer;
import io.ratchet.api.branch.BranchFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;

/**
 * The bank of the chaos suite, run as its own process: accounts in an H2 file database, and branch endpoints, each
 * call one local transaction behind the {@link BranchBarrier} that also records the effect (gid, step, op) in order:
 * for sagas {@code /action} adds a step's amount to its account and {@code /compensate} takes it back; for TCC
 * {@code /tcc/try}, {@code /tcc/confirm} and {@code /tcc/cancel}; for two-phase messages {@code /msg/local} (the
 * client's local transaction), {@code /msg/action} and the back-check {@code /msg/query}. A step whose payload says
 * {@code "fail":true} (at its action, try or local transaction), or that would overdraw, answers FAILURE.
 * Programmable faults, per call and seeded, each on {@code faultPercent} of calls: a 500 before doing anything; the
 * effect committed but the connection dropped without an answer; the work done only after 6 s, past the callers'
 * 5 s request timeout. {@code GET /state} reports balances and effects.
 *
 * <p>Run: {@code BankService <dir> <accounts> <initialBalance> <faultPercent> <seed>}; prints {@code listening <port>}.
 */
public final class BankService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SLOW_ANSWER_MS = 6_000;
    private final String url;
    private final int faultPercent;
    private final Random random;

    private BankService(Path dir, int faultPercent, long seed) {
        // DB_CLOSE_DELAY=-1: without it H2 closes the database with the last connection and reopens it per call.
        this.url = "jdbc:h2:file:" + dir.resolve("bank").toAbsolutePath() + ";LOCK_TIMEOUT=10000;DB_CLOSE_DELAY=-1";
        this.faultPercent = faultPercent;
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws Exception {
        BankService bank = new BankService(Path.of(args[0]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
        bank.create(Integer.parseInt(args[1]), Long.parseLong(args[2]));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        // Enough threads that the slow answers (a few a second, 6 s each) never hold up the others.
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.createContext("/action", ex -> bank.sagaBranch(ex, 1));
        server.createContext("/compensate", ex -> bank.sagaBranch(ex, -1));
        server.createContext("/msg/local", bank::msgLocal);
        server.createContext("/msg/action", bank::msgAction);
        server.createContext("/msg/query", bank::msgQuery);
        for (Phase phase : Phase.values()) {
            server.createContext("/tcc/" + phase.name().toLowerCase(Locale.ROOT),
                    ex -> bank.tccBranch(ex, phase));
        }
        server.createContext("/state", bank::state);
        server.start();
        System.out.println("listening " + server.getAddress().getPort());
    }

    private Connection connection() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    private void create(int accounts, long balance) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            BarrierDialect.H2.createTable(c);
            s.execute("create table if not exists account (id int primary key, balance bigint not null)");
            s.execute("create table if not exists effect (seq bigint auto_increment primary key, gid varchar(128),"
                    + " step int, op varchar(16))");
            for (int id = 1; id <= accounts; id++) {
                s.execute("merge into account key (id) values (" + id + ", " + balance + ")");
            }
        }
    }

    /** A TCC branch's phase. */
    private enum Phase { TRY, CONFIRM, CANCEL }

    /**
     * What a branch call does in its local transaction, given its branch number ({@code branch_id}) and its step's
     * account and amount (negative: out).
     */
    private interface Work {
        void run(Connection tx, String gid, int branch, int account, long amount, boolean fail) throws SQLException;
    }

    /** A saga branch: {@code sign} 1 applies the step, -1 undoes it. */
    private void sagaBranch(HttpExchange ex, int sign) throws IOException {
        serve(ex, (tx, gid, branch, account, amount, fail) -> {
            int step = branch - 1;
            if (sign > 0 && fail) {
                throw new BranchFailure("step " + step + " of " + gid + " refused by the test");
            }
            change(tx, gid, step, account, amount * sign, sign > 0 ? "ACTION" : "COMPENSATE");
        });
    }

    /**
     * A TCC branch: a debit is taken at try (so that confirming it cannot overdraw) and given back at cancel; a credit
     * is made at confirm. So a confirmed transfer moved its money and a cancelled one moved none, as a saga's would.
     */
    private void tccBranch(HttpExchange ex, Phase phase) throws IOException {
        serve(ex, (tx, gid, branch, account, amount, fail) -> {
            int step = branch - 1;
            if (phase == Phase.TRY && fail) {
                throw new BranchFailure("try " + step + " of " + gid + " refused by the test");
            }
            boolean debit = amount < 0;
            if (phase == Phase.TRY && debit || phase == Phase.CONFIRM && !debit) {
                change(tx, gid, step, account, amount, "ACTION");
            } else if (phase == Phase.CANCEL && debit) {
                change(tx, gid, step, account, -amount, "COMPENSATE");
            }
        });
    }

    /**
     * A two-phase message's local transaction ({@code /msg/local}, the client's own, barrier branch 00 op msg): the
     * debit, step 0. Its steps ({@code /msg/action}, branches 01...) are the credits, step = branch.
     */
    private void msgLocal(HttpExchange ex) throws IOException {
        serve(ex, (tx, gid, branch, account, amount, fail) -> {
            if (fail) {
                throw new BranchFailure("local transaction of " + gid + " refused by the test");
            }
            change(tx, gid, 0, account, amount, "ACTION");
        });
    }

    private void msgAction(HttpExchange ex) throws IOException {
        serve(ex, (tx, gid, branch, account, amount, fail) -> change(tx, gid, branch, account, amount, "ACTION"));
    }

    /** The coordinator's back-check of a message left prepared: did its local transaction commit? */
    private void msgQuery(HttpExchange ex) throws IOException {
        BranchAnswer answer;
        try (Connection c = connection()) {
            answer = BranchBarrier.fromQuery(BranchBarrier.parseQuery(ex.getRequestURI().getRawQuery()))
                    .queryPrepared(c);
        } catch (Exception e) {
            answer = BranchAnswer.of(e);
        }
        reply(ex, answer);
    }

    /** One branch call behind the barrier, with the injected faults. */
    private void serve(HttpExchange ex, Work work) throws IOException {
        int fault;
        synchronized (random) {
            fault = random.nextInt(100);
        }
        if (fault < faultPercent) {
            reply(ex, BranchAnswer.error("injected 500"));
            return;
        }
        if (fault >= 2 * faultPercent && fault < 3 * faultPercent) {
            // Slower than the 5 s request timeout: the caller has given up (and retried, or cancelled) by the time
            // this call does its work, which the barrier must then make harmless.
            try {
                Thread.sleep(SLOW_ANSWER_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        BranchAnswer answer;
        try {
            Map<String, String> query = BranchBarrier.parseQuery(ex.getRequestURI().getRawQuery());
            JsonNode step = JSON.readTree(ex.getRequestBody().readAllBytes());
            String gid = query.get("gid");
            int branch = Integer.parseInt(query.get("branch_id"));
            try (Connection c = connection()) {
                BranchBarrier.fromQuery(query).call(c, tx -> work.run(tx, gid, branch, step.path("account").asInt(),
                        step.path("amount").asLong(), step.path("fail").asBoolean(false)));
            }
            answer = BranchAnswer.success();
        } catch (Exception e) {
            answer = BranchAnswer.of(e);
        }
        if (answer.isSuccess() && fault < 2 * faultPercent) {
            ex.close(); // committed, but the coordinator never hears it: it must call again, and the barrier absorb it
            return;
        }
        reply(ex, answer);
    }

    /**
     * Adds {@code amount} to the account and records the effect. An action may not overdraw; a compensation always
     * restores what its action did, even if other transfers have spent the money since.
     */
    private static void change(Connection tx, String gid, int step, int account, long amount, String op)
            throws SQLException {
        boolean action = op.equals("ACTION");
        try (PreparedStatement p = tx.prepareStatement("update account set balance = balance + ?"
                + " where id = ?" + (action ? " and balance + ? >= 0" : ""))) {
            p.setLong(1, amount);
            p.setInt(2, account);
            if (action) {
                p.setLong(3, amount);
            }
            if (p.executeUpdate() == 0) {
                throw new BranchFailure("account " + account + " cannot take " + amount);
            }
        }
        try (PreparedStatement p = tx.prepareStatement("insert into effect (gid, step, op) values (?, ?, ?)")) {
            p.setString(1, gid);
            p.setInt(2, step);
            p.setString(3, op);
            p.executeUpdate();
        }
    }

    private void state(HttpExchange ex) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        try (Connection c = connection(); Statement s = c.createStatement()) {
            Map<Integer, Long> balances = new LinkedHashMap<>();
            try (ResultSet r = s.executeQuery("select id, balance from account order by id")) {
                while (r.next()) {
                    balances.put(r.getInt(1), r.getLong(2));
                }
            }
            List<Object[]> effects = new ArrayList<>();
            try (ResultSet r = s.executeQuery("select gid, step, op from effect order by seq")) {
                while (r.next()) {
                    effects.add(new Object[]{r.getString(1), r.getInt(2), r.getString(3)});
                }
            }
            state.put("balances", balances);
            state.put("effects", effects);
            reply(ex, new BranchAnswer(200, JSON.writeValueAsString(state)));
        } catch (SQLException e) {
            reply(ex, BranchAnswer.error(e.toString()));
        }
    }

    private static void reply(HttpExchange ex, BranchAnswer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", BranchAnswer.CONTENT_TYPE);
        ex.sendResponseHeaders(answer.status(), body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }
}
