package dev.mailroom.spring.it;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.TestDatabases;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * For {@code @SpringBootTest} classes: a fresh PostgreSQL schema per class (dropped after the class's
 * context closed, since this extension is registered before Spring's) and the in-process Kafka broker
 * the testkit shares across the run.
 */
public final class SpringTestEnvironment implements BeforeAllCallback, AfterAllCallback {

    private static TestDatabase database;
    private static KafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = context.getRoot().getStore(ExtensionContext.Namespace.create(KafkaBrokerExtension.class))
                .getOrComputeIfAbsent("broker", key -> KafkaBroker.start(), KafkaBroker.class);
        database = TestDatabases.freshPostgresSchema(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        database.close();
    }

    static TestDatabase database() {
        return database;
    }

    static KafkaBroker broker() {
        return broker;
    }

    /** The Spring Boot properties that point the application at the test schema and broker. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> database.jdbcUrl());
        registry.add("spring.datasource.username", () -> database.user());
        registry.add("spring.datasource.password", () -> database.password());
        registry.add("spring.datasource.hikari.connection-init-sql",
                () -> "SET TIME ZONE '" + TestDatabase.SESSION_TIME_ZONE + "'");
        registry.add("mailroom.kafka.bootstrap-servers", () -> broker.bootstrapServers());
    }
}
