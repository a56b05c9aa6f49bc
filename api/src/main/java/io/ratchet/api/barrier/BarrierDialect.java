package io.ratchet.api.barrier;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How each supported database spells "insert this barrier row unless its unique key exists", and the table's DDL.
 * Whatever the spelling, the unique key (gid, branch_id, op, barrier_id) decides races between concurrent calls.
 */
public enum BarrierDialect {

    /** {@code insert ignore}; also for MariaDB. */
    MYSQL("barrier-mysql.sql") {
        @Override
        String insertSql(String table) {
            return "insert ignore into " + table + COLUMNS;
        }
    },

    /** {@code insert ... on conflict do nothing}. */
    POSTGRESQL("barrier-postgresql.sql") {
        @Override
        String insertSql(String table) {
            return "insert into " + table + COLUMNS + " on conflict (gid, branch_id, op, barrier_id) do nothing";
        }
    },

    /**
     * A plain insert whose duplicate-key error (SQLState 23505) counts as "no row inserted". H2 2.x only offers
     * {@code insert ignore} or {@code on conflict do nothing} in its MySQL or PostgreSQL compatibility modes, and
     * {@code merge} would overwrite the row; a failed statement does not abort an H2 transaction, so catching the
     * error works in every mode.
     */
    H2("barrier-h2.sql") {
        @Override
        String insertSql(String table) {
            return "insert into " + table + COLUMNS;
        }

        @Override
        int insertIgnore(Connection connection, String table, String... values) throws SQLException {
            try {
                return super.insertIgnore(connection, table, values);
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return 0;
                }
                throw e;
            }
        }
    };

    private static final String COLUMNS = "(trans_type, gid, branch_id, op, barrier_id, reason) values(?,?,?,?,?,?)";
    private static final String UNIQUE_VIOLATION = "23505";

    private final String ddlResource;

    BarrierDialect(String ddlResource) {
        this.ddlResource = ddlResource;
    }

    abstract String insertSql(String table);

    /** Inserts (trans_type, gid, branch_id, op, barrier_id, reason) unless the key exists; returns rows inserted. */
    int insertIgnore(Connection connection, String table, String... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertSql(table))) {
            for (int i = 0; i < values.length; i++) {
                statement.setString(i + 1, values[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** The dialect of the connection's database, from its product name. */
    public static BarrierDialect detect(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("mysql") || product.contains("mariadb")) {
            return MYSQL;
        }
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        if (product.contains("h2")) {
            return H2;
        }
        throw new SQLException("Expected MySQL, MariaDB, PostgreSQL or H2, but the database is " + product);
    }

    /** The DDL of the {@code barrier} table for this database, as shipped in the jar. */
    public String ddl() {
        try (InputStream in = BarrierDialect.class.getResourceAsStream(ddlResource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + ddlResource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the {@code barrier} table and its indexes if they do not exist (autocommit as the caller set it). */
    public void createTable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(ddl())) {
                statement.execute(sql);
            }
        }
    }

    private static List<String> statements(String script) {
        StringBuilder code = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                code.append(line).append('\n');
            }
        }
        List<String> result = new ArrayList<>();
        for (String sql : code.toString().split(";")) {
            if (!sql.isBlank()) {
                result.add(sql.strip());
            }
        }
        return result;
    }
}
