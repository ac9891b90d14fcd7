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
 * server back when the run ends: to the value an earlier {@code ALTER SYSTEM} had given, or to the
 * configuration files' own. A run killed before its end leaves it on (the harness says how to undo it).
 */
final class Autovacuum implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    /** The value an earlier ALTER SYSTEM had set (postgresql.auto.conf), or null. */
    private final String altered;

    private Autovacuum(String url, String user, String password, String altered) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.altered = altered;
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
        System.out.println("-- autovacuum is off on this server: turning it on for the run (ALTER SYSTEM, reload;"
                + " should the run be killed: ALTER SYSTEM RESET autovacuum, then SELECT pg_reload_conf())");
        String altered;
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT setting FROM pg_file_settings WHERE name = 'autovacuum'"
                     + " AND sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno DESC LIMIT 1")) {
            altered = rs.next() ? rs.getString(1) : null;
        }
        Autovacuum switched = new Autovacuum(url, user, password, altered);
        switched.set("ALTER SYSTEM SET autovacuum = on");
        return switched;
    }

    @Override
    public void close() throws SQLException {
        System.out.println("-- autovacuum: back to the server's own setting");
        set(altered == null ? "ALTER SYSTEM RESET autovacuum"
                : "ALTER SYSTEM SET autovacuum = '" + altered.replace("'", "''") + "'");
    }

    private void set(String alterSystem) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(alterSystem);
            statement.execute("SELECT pg_reload_conf()");
        }
    }
}
