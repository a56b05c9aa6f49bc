package io.ratchet.api.barrier;

import io.ratchet.api.BranchOp;
import io.ratchet.api.branch.BranchAnswer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes one branch call take effect at most once in the business database, in the same local transaction as the
 * business change (PROTOCOL.md §8). Build one per incoming call from its query parameters; each {@link #call} on it
 * uses the next barrier id ("01", "02", ...), so a handler that runs two local transactions stays distinct.
 *
 * <p>Every decision is made by inserting rows under the unique key (gid, branch_id, op, barrier_id), never by a
 * read: a concurrent duplicate waits on the first transaction's row and then sees it, whatever the isolation level.
 */
public final class BranchBarrier {

    /** Default table name; DTM's own default is {@code dtm_barrier.barrier}. */
    public static final String DEFAULT_TABLE = "barrier";
    /** The branch id and op of a two-phase message's local transaction and its back-check. */
    public static final String MSG_BRANCH_ID = "00";
    public static final String MSG_OP = "msg";
    private static final String MSG_BARRIER_ID = "01";
    private static final String ROLLBACK_REASON = "rollback";

    private final String transType;
    private final String gid;
    private final String branchId;
    private final String op;
    private final String table;
    private final BarrierDialect dialect;
    private final AtomicInteger barrierId = new AtomicInteger();

    /** What {@link #call} did. Every outcome is a success for the coordinator; only {@link #EXECUTED} ran the work. */
    public enum Outcome {
        /** The work ran and was committed with the barrier rows. */
        EXECUTED,
        /** A compensation arrived before its forward op ever ran: nothing to undo; the late forward op is now blocked. */
        NULL_COMPENSATION,
        /** This op already ran (a retry), or its compensation already ran (a hanging forward op): nothing done. */
        DUPLICATE
    }

    private BranchBarrier(String transType, String gid, String branchId, String op, String table, BarrierDialect dialect) {
        this.transType = require(transType, "trans_type");
        this.gid = require(gid, "gid");
        this.branchId = require(branchId, "branch_id");
        this.op = require(op, "op");
        this.table = Objects.requireNonNull(table, "table");
        this.dialect = dialect;
    }

    /** A barrier for the call (trans_type, gid, branch_id, op); the dialect is detected from the connection. */
    public static BranchBarrier of(String transType, String gid, String branchId, String op) {
        return new BranchBarrier(transType, gid, branchId, op, DEFAULT_TABLE, null);
    }

    /** A barrier from a branch call's query parameters (gid, trans_type, branch_id, op); all four are required. */
    public static BranchBarrier fromQuery(Map<String, String> query) {
        return of(query.get("trans_type"), query.get("gid"), query.get("branch_id"), query.get("op"));
    }

    /** A barrier from a raw query string such as {@code gid=g1&trans_type=saga&branch_id=01&op=action}. */
    public static BranchBarrier fromQueryString(String rawQuery) {
        return fromQuery(parseQuery(rawQuery));
    }

    /** The barrier a two-phase message's {@code doAndSubmit} and its back-check share for this gid. */
    public static BranchBarrier forMsg(String gid) {
        return of("msg", gid, MSG_BRANCH_ID, MSG_OP);
    }

    /** Decodes a query string into its first value per name. */
    public static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> result = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.putIfAbsent(name, value);
        }
        return result;
    }

    /** The same barrier on another table, e.g. {@code dtm_barrier.barrier} shared with DTM services. */
    public BranchBarrier withTable(String tableName) {
        return new BranchBarrier(transType, gid, branchId, op, tableName, dialect);
    }

    /** The same barrier with a fixed dialect instead of detecting it from each connection. */
    public BranchBarrier withDialect(BarrierDialect fixed) {
        return new BranchBarrier(transType, gid, branchId, op, table, fixed);
    }

    public String transType() {
        return transType;
    }

    public String gid() {
        return gid;
    }

    public String branchId() {
        return branchId;
    }

    public String op() {
        return op;
    }

    /**
     * Runs {@code work} in one local transaction on {@code connection}, guarded by the barrier rows, and commits; the
     * connection's autocommit is restored afterwards. Blocks while a concurrent call with the same key is in flight.
     *
     * @return what was done; all outcomes mean "answer SUCCESS"
     * @throws DuplicatedException for {@code op=msg} when this gid's local transaction already ran
     * @throws SQLException        from the database or the work (rolled back; the call should be retried)
     */
    public Outcome call(Connection connection, BarrierWork work) throws SQLException {
        String id = String.format("%02d", barrierId.incrementAndGet());
        BarrierDialect db = dialect(connection);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        boolean committed = false;
        try {
            String forwardOp = forwardOp(op);
            int forwardInserted = forwardOp == null ? 0
                    : db.insertIgnore(connection, table, transType, gid, branchId, forwardOp, id, op);
            int currentInserted = db.insertIgnore(connection, table, transType, gid, branchId, op, id, op);
            if (MSG_OP.equals(op) && currentInserted == 0) {
                throw new DuplicatedException("duplicated");
            }
            Outcome outcome;
            if (forwardOp != null && forwardInserted > 0) {
                outcome = Outcome.NULL_COMPENSATION;
            } else if (currentInserted == 0) {
                outcome = Outcome.DUPLICATE;
            } else {
                work.run(connection);
                outcome = Outcome.EXECUTED;
            }
            connection.commit();
            committed = true;
            return outcome;
        } finally {
            try {
                if (!committed) {
                    connection.rollback();
                }
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * The back-check of a two-phase message ({@code query_prepared}): did the local transaction of this gid commit?
     * Inserts the {@code 00/msg/01} row with reason {@code rollback} unless it exists, so a local transaction still
     * in flight is either waited for or, if it has not started, blocked forever; then reads the row back.
     *
     * @return SUCCESS when the local transaction committed; FAILURE when it never will
     */
    public BranchAnswer queryPrepared(Connection connection) throws SQLException {
        BarrierDialect db = dialect(connection);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        boolean committed = false;
        try {
            db.insertIgnore(connection, table, transType, gid, MSG_BRANCH_ID, MSG_OP, MSG_BARRIER_ID, ROLLBACK_REASON);
            String reason;
            try (PreparedStatement select = connection.prepareStatement(
                    "select reason from " + table + " where gid=? and branch_id=? and op=? and barrier_id=?")) {
                select.setString(1, gid);
                select.setString(2, MSG_BRANCH_ID);
                select.setString(3, MSG_OP);
                select.setString(4, MSG_BARRIER_ID);
                try (ResultSet rs = select.executeQuery()) {
                    reason = rs.next() ? rs.getString(1) : null;
                }
            }
            connection.commit();
            committed = true;
            if (reason == null) {
                throw new SQLException("Expected a barrier row for gid=" + gid + " after inserting it, but found none");
            }
            return ROLLBACK_REASON.equals(reason)
                    ? BranchAnswer.failure("the local transaction of " + gid + " did not commit: rollback")
                    : BranchAnswer.success();
        } finally {
            try {
                if (!committed) {
                    connection.rollback();
                }
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** The forward op whose row a compensation inserts first; {@code null} for a forward op. */
    private static String forwardOp(String op) {
        BranchOp parsed = BranchOp.fromWire(op);
        if (parsed == null) {
            return null;
        }
        return switch (parsed) {
            case CANCEL -> BranchOp.TRY.wireName();
            case COMPENSATE, ROLLBACK -> BranchOp.ACTION.wireName();
            default -> null;
        };
    }

    private BarrierDialect dialect(Connection connection) throws SQLException {
        return dialect != null ? dialect : BarrierDialect.detect(connection);
    }

    private static String require(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("Expected query parameter " + name + ", but it is missing");
        }
        return value;
    }

    @Override
    public String toString() {
        return "BranchBarrier[" + transType + " " + gid + " " + branchId + " " + op + "]";
    }
}
