package dev.mailroom.testkit.db;

import java.util.Map;

/**
 * Where the test databases are: environment variables, defaulting to the local servers
 * (PostgreSQL 127.0.0.1:5432 with trust auth, MariaDB 127.0.0.1:3306 as root with an empty
 * password, both with a database {@code test}).
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>MAILROOM_PG_URL</td><td>jdbc:postgresql://127.0.0.1:5432/test</td></tr>
 *   <tr><td>MAILROOM_PG_USER / MAILROOM_PG_PASSWORD</td><td>postgres / (empty)</td></tr>
 *   <tr><td>MAILROOM_MARIADB_URL</td><td>jdbc:mariadb://127.0.0.1:3306/test</td></tr>
 *   <tr><td>MAILROOM_MARIADB_USER / MAILROOM_MARIADB_PASSWORD</td><td>root / (empty)</td></tr>
 * </table>
 */
public record DatabaseSettings(String url, String user, String password) {

    public static DatabaseSettings postgres() {
        return fromEnvironment(System.getenv(), "MAILROOM_PG", "jdbc:postgresql://127.0.0.1:5432/test", "postgres");
    }

    public static DatabaseSettings mariaDb() {
        return fromEnvironment(System.getenv(), "MAILROOM_MARIADB", "jdbc:mariadb://127.0.0.1:3306/test", "root");
    }

    static DatabaseSettings fromEnvironment(Map<String, String> env, String prefix, String url, String user) {
        return new DatabaseSettings(
                env.getOrDefault(prefix + "_URL", url),
                env.getOrDefault(prefix + "_USER", user),
                env.getOrDefault(prefix + "_PASSWORD", ""));
    }

    @Override
    public String toString() {
        return url + " as " + user;
    }
}
