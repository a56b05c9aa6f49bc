package io.ratchet.api.barrier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The barrier contract on a throwaway PostgreSQL server: initdb into a temporary directory, a server on a free
 * port of 127.0.0.1, stopped and deleted afterwards. Skipped when {@code initdb}/{@code postgres} are not installed,
 * or when the tests run as root and {@code runuser} is missing (PostgreSQL refuses to run as root; the server then
 * runs as {@code nobody}).
 */
class BranchBarrierPostgresTest extends BranchBarrierContract {

    private static final List<Path> BIN_DIRS = Stream.of("/usr/local/bin", "/usr/lib/postgresql/15/bin",
            "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin", "/usr/bin").map(Path::of).toList();

    private static Path dir;
    private static Path pgCtl;
    private static List<String> asUser;
    private static String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        Path initdb = find("initdb");
        Path postgres = find("postgres");
        pgCtl = find("pg_ctl");
        assumeTrue(initdb != null && postgres != null && pgCtl != null,
                "PostgreSQL test skipped: initdb, postgres and pg_ctl were not found in " + BIN_DIRS);
        boolean root = "root".equals(System.getProperty("user.name"));
        Path runuser = Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(!root || runuser != null,
                "PostgreSQL test skipped: running as root and runuser is missing; PostgreSQL refuses to run as root");
        asUser = root ? List.of(runuser.toString(), "-u", "nobody", "--") : List.of();

        dir = Files.createTempDirectory("barrier-pg");
        if (root) {
            run(List.of("chown", "nobody", dir.toString()));
        }
        Path data = dir.resolve("data");
        run(command(initdb.toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust", "--no-sync"));
        int port = freePort();
        run(command(pgCtl.toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-o",
                "-k " + dir + " -p " + port + " -h 127.0.0.1 -F", "start"));
        url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = DriverManager.getConnection(url)) {
                return c.isValid(1);
            }
        });
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (dir == null) {
            return;
        }
        try {
            run(command(pgCtl.toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "stop"));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    boolean waitsForLock(Thread thread) throws SQLException {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like 'insert into barrier%'");
                ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Override
    BarrierDialect expectedDialect() {
        return BarrierDialect.POSTGRESQL;
    }

    private static Path find(String name) {
        return BIN_DIRS.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static List<String> command(String... args) {
        List<String> all = new ArrayList<>(asUser);
        all.addAll(List.of(args));
        return all;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("Expected " + command + " to succeed, but it failed:\n" + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
