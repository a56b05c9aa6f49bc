package io.ratchet.api.barrier;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where a barrier-guarded local transaction gets its connection; {@code dataSource::getConnection} fits. The
 * connection is closed after use, which returns a pooled one to its pool.
 */
@FunctionalInterface
public interface ConnectionSource {

    Connection get() throws SQLException;
}
