package dev.mailroom.testkit.db;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test class a fresh MariaDB database as a {@link TestDatabase} parameter; the
 * database is dropped after the class.
 */
public final class MariaDbExtension extends TestDatabaseExtension {

    @Override
    TestDatabase create(ExtensionContext context) {
        return TestDatabases.freshMariaDbDatabase(context.getRequiredTestClass().getSimpleName());
    }
}
