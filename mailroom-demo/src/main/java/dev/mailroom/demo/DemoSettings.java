package dev.mailroom.demo;

import java.util.Locale;
import java.util.Map;

/** The demo's settings: environment variables with the local servers as defaults. */
record DemoSettings(String database, String pgUrl, String pgUser, String pgPassword, String mariaDbUrl,
                    String mariaDbUser, String mariaDbPassword, String schema, int warmUpSeconds, int orders,
                    int ratePerSecond) {

    static final String POSTGRESQL = "postgresql";
    static final String MARIADB = "mariadb";

    static DemoSettings fromEnvironment(Map<String, String> env) {
        String database = env.getOrDefault("MAILROOM_DB", POSTGRESQL).toLowerCase(Locale.ROOT);
        if (!database.equals(POSTGRESQL) && !database.equals(MARIADB)) {
            throw new IllegalArgumentException("MAILROOM_DB must be postgresql or mariadb, was '" + database + "'");
        }
        return new DemoSettings(
                database,
                env.getOrDefault("MAILROOM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                env.getOrDefault("MAILROOM_PG_USER", "postgres"),
                env.getOrDefault("MAILROOM_PG_PASSWORD", ""),
                env.getOrDefault("MAILROOM_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test"),
                env.getOrDefault("MAILROOM_MARIADB_USER", "root"),
                env.getOrDefault("MAILROOM_MARIADB_PASSWORD", ""),
                env.getOrDefault("MAILROOM_DEMO_SCHEMA", "mailroom_demo"),
                Integer.parseInt(env.getOrDefault("MAILROOM_DEMO_WARMUP_SECONDS", "10")),
                Integer.parseInt(env.getOrDefault("MAILROOM_DEMO_ORDERS", "500")),
                Integer.parseInt(env.getOrDefault("MAILROOM_DEMO_RATE", "250")));
    }
}
