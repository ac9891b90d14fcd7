package dev.mailroom.testkit.db;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test class a fresh PostgreSQL schema as a {@link TestDatabase} parameter (constructor,
 * {@code @BeforeAll}, or test method); the schema is dropped after the class.
 */
public final class PostgresExtension extends TestDatabaseExtension {

    @Override
    TestDatabase create(ExtensionContext context) {
        return TestDatabases.freshPostgresSchema(context.getRequiredTestClass().getSimpleName());
    }
}
