package dev.mailroom.demo;

import java.util.Map;

/** The demo's settings: environment variables with the local servers as defaults. */
record DemoSettings(String pgUrl, String pgUser, String pgPassword, String schema, int orders, int ratePerSecond) {

    static DemoSettings fromEnvironment(Map<String, String> env) {
        return new DemoSettings(
                env.getOrDefault("MAILROOM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                env.getOrDefault("MAILROOM_PG_USER", "postgres"),
                env.getOrDefault("MAILROOM_PG_PASSWORD", ""),
                env.getOrDefault("MAILROOM_DEMO_SCHEMA", "mailroom_demo"),
                Integer.parseInt(env.getOrDefault("MAILROOM_DEMO_ORDERS", "500")),
                Integer.parseInt(env.getOrDefault("MAILROOM_DEMO_RATE", "250")));
    }
}
