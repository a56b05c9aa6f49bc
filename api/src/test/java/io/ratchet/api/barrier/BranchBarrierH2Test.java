package io.ratchet.api.barrier;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The barrier contract on an in-memory H2 2.x database in its default (regular) mode. */
class BranchBarrierH2Test extends BranchBarrierContract {

    private final String url = "jdbc:h2:mem:barrier-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000";

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    boolean waitsForLock(Thread thread) throws SQLException {
        // H2 retries a statement that meets another transaction's uncommitted key in a loop (it does not park the
        // thread), so the sign that the duplicate is waiting is its insert still executing.
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from information_schema.sessions"
                        + " where lower(executing_statement) like 'insert into barrier%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Override
    BarrierDialect expectedDialect() {
        return BarrierDialect.H2;
    }

    @Test
    void shouldDetectTheDialectOfH2InMySqlMode() throws SQLException {
        try (Connection mysqlMode = DriverManager.getConnection("jdbc:h2:mem:mode-" + UUID.randomUUID() + ";MODE=MySQL")) {
            assertThat(BarrierDialect.detect(mysqlMode)).isEqualTo(BarrierDialect.H2);
        }
    }
}
