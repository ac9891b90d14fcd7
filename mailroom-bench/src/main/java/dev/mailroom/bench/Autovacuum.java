package dev.mailroom.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL's autovacuum, which its default configuration runs and some test servers turn off (this
 * machine's does, in {@code conf.d}). Without it the dead row versions that every settled or deleted
 * outbox row leaves are never removed, so a sustained run measures bloat, not the relay. The harness
 * turns it on only when asked ({@code --switch-autovacuum}), with a reload (no restart), and sets the
 * server back when the run ends.
 */
final class Autovacuum implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;

    private Autovacuum(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    static boolean isOn(String url, String user, String password) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW autovacuum")) {
            rs.next();
            return "on".equals(rs.getString(1));
        }
    }

    /** ALTER SYSTEM SET autovacuum = on and a reload; closing the result resets the setting and reloads again. */
    static Autovacuum switchOn(String url, String user, String password) throws SQLException {
        System.out.println("-- autovacuum is off on this server: turning it on for the run (ALTER SYSTEM, reload)");
        Autovacuum switched = new Autovacuum(url, user, password);
        switched.set("ALTER SYSTEM SET autovacuum = on");
        return switched;
    }

    @Override
    public void close() throws SQLException {
        System.out.println("-- autovacuum: back to the server's own setting (ALTER SYSTEM RESET, reload)");
        set("ALTER SYSTEM RESET autovacuum");
    }

    private void set(String alterSystem) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(alterSystem);
            statement.execute("SELECT pg_reload_conf()");
        }
    }
}
