package dev.mailroom.demo;

import java.util.Map;

/** Connection settings of the demo: environment variables with the local servers as defaults. */
record DemoSettings(String pgUrl, String pgUser, String pgPassword, String schema) {

    static DemoSettings fromEnvironment(Map<String, String> env) {
        return new DemoSettings(
                env.getOrDefault("MAILROOM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                env.getOrDefault("MAILROOM_PG_USER", "postgres"),
                env.getOrDefault("MAILROOM_PG_PASSWORD", ""),
                env.getOrDefault("MAILROOM_DEMO_SCHEMA", "mailroom_demo"));
    }
}
