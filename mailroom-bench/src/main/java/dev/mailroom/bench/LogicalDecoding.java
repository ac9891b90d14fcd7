package dev.mailroom.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The log-based peer needs {@code wal_level=logical}. Switching it means a server restart, so the
 * harness does it only when asked ({@code --switch-wal-level}), says so, and only on a server it can
 * restart with the machine's own command.
 */
final class LogicalDecoding {

    private LogicalDecoding() {
    }

    static String walLevel(String url, String user, String password) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW wal_level")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** ALTER SYSTEM SET wal_level = logical, then restarts PostgreSQL with {@code restartCommand} and waits for it. */
    static void switchOn(String url, String user, String password, String restartCommand) throws Exception {
        System.out.println("-- switching the local PostgreSQL to wal_level=logical and restarting it: " + restartCommand);
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET wal_level = logical");
        }
        Process restart = new ProcessBuilder("sh", "-c", restartCommand).inheritIO().start();
        if (!restart.waitFor(2, TimeUnit.MINUTES) || restart.exitValue() != 0) {
            throw new IllegalStateException("restart command failed: " + restartCommand);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            try {
                String level = walLevel(url, user, password);
                if (!"logical".equals(level)) {
                    throw new IllegalStateException("PostgreSQL restarted but wal_level is still " + level);
                }
                return;
            } catch (SQLException notUpYet) {
                if (System.nanoTime() > deadline) {
                    throw notUpYet;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
        }
    }
}
