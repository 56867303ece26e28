package io.reachproof.coordinator.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for a test: Debian's {@code postgresql} binaries, run as the {@code postgres} user on a
 * free loopback port, in a temporary data directory removed again on {@link #close()}. A test that cannot have one
 * (no binaries, not root, no postgres user) is skipped with the reason, never passed silently.
 */
public final class TestPostgres implements AutoCloseable {

    static final Path BIN = Path.of(System.getProperty("reachproof.postgres.bin", "/usr/lib/postgresql/15/bin"));
    private static final String OS_USER = "postgres";

    private final Path dir;
    private final Path data;
    private final int port;

    private TestPostgres(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** Initialises and starts a server; skips the test (assumption) when this machine cannot run one. */
    public static TestPostgres start() {
        assumeTrue(Files.isExecutable(BIN.resolve("postgres")) && Files.isExecutable(BIN.resolve("initdb")),
                "no PostgreSQL binaries at " + BIN + " (Debian package postgresql; scripts/test installs it)");
        assumeTrue("root".equals(System.getProperty("user.name")),
                "PostgreSQL refuses to run as root and the test switches to the postgres user, which needs root;"
                        + " running as " + System.getProperty("user.name"));
        assumeTrue(run(List.of("id", OS_USER), 10) == 0, "no " + OS_USER + " user to run PostgreSQL as");
        try {
            Path dir = Files.createTempDirectory("reachproof-pg");
            run(List.of("chown", OS_USER, dir.toString()), 10);
            TestPostgres pg = new TestPostgres(dir, freePort());
            if (pg.asPostgres(List.of(BIN.resolve("initdb").toString(), "-A", "trust", "-U", "reachproof", "-E", "UTF8",
                    "--no-sync", "-D", pg.data.toString()), 120) != 0) {
                throw new IllegalStateException("initdb failed in " + pg.data + "; see " + dir.resolve("initdb.log"));
            }
            pg.startServer();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the (stopped) server again on the same port and data directory. */
    public void startServer() {
        if (asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"),
                90) != 0) {
            throw new IllegalStateException("PostgreSQL did not start on 127.0.0.1:" + port + "; see " + dir.resolve("server.log"));
        }
    }

    /** Stops the server at once (connections are cut), keeping its data. */
    public void stopServer() {
        asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), 60);
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "reachproof";
    }

    public int port() {
        return port;
    }

    /**
     * Drops everything in the database's {@code public} schema: each test starts from an empty database. The
     * sessions earlier tests left on this server (a scheduler's connection still closing) are ended first: one of them
     * holding a lock the drop needs while it waited for one the drop took was a deadlock PostgreSQL broke by failing
     * the drop.
     */
    public void emptySchema() throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), user(), "");
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid()");
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    public StoreSettings settings() {
        return new StoreSettings(url(), java.util.Optional.of(user()), java.util.Optional.empty(),
                StoreSettings.DEFAULT_RETENTION);
    }

    private int asPostgres(List<String> command, int timeoutSeconds) {
        List<String> all = new ArrayList<>(List.of("runuser", "-u", OS_USER, "--"));
        all.addAll(command);
        return run(all, timeoutSeconds);
    }

    private static int run(List<String> command, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        stopServer();
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
