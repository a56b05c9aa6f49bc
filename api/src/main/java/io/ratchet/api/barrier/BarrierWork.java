package io.ratchet.api.barrier;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The business part of a branch: runs inside the barrier's local transaction, on its connection. Throwing rolls the
 * barrier rows back with the business changes, so the coordinator's retry runs it again.
 */
@FunctionalInterface
public interface BarrierWork {

    /** Does the branch's database work; must not commit, roll back or change autocommit. */
    void run(Connection connection) throws SQLException;
}
