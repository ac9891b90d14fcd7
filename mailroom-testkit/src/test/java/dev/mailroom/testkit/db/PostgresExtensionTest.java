package dev.mailroom.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@WithPostgres
class PostgresExtensionTest {

    private final TestDatabase database;

    PostgresExtensionTest(TestDatabase database) {
        this.database = database;
    }

    @Test
    void pooledSessionsWorkInTheFreshSchemaWithANonUtcTimeZone(TestDatabase sameDatabase) throws SQLException {
        assertThat(sameDatabase).isSameAs(database);
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE probe (id int)");
            try (ResultSet rs = statement.executeQuery("SELECT current_schema(), current_setting('TimeZone')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(database.name()).startsWith("mr_postgresextensiontest_");
                assertThat(rs.getString(2)).isEqualTo(TestDatabase.SESSION_TIME_ZONE);
            }
        }
        try (Connection own = database.openConnection();
             ResultSet rs = own.createStatement().executeQuery("SELECT count(*) FROM probe")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void eachCallGetsADifferentSchemaName() {
        assertThat(TestDatabases.uniqueName("X")).isNotEqualTo(TestDatabases.uniqueName("X"));
        assertThat(TestDatabases.uniqueName("SomeVeryLongTestClassNameThatGoesOnAndOn")).hasSizeLessThan(40);
    }

    @Test
    void theServerAddressIsReadFromTheUrlAndCanBeReplaced() {
        assertThat(TestDatabases.hostAndPort("jdbc:postgresql://db.local:6543/test?currentSchema=s"))
                .isEqualTo(new InetSocketAddress("db.local", 6543));
        assertThat(TestDatabases.hostAndPort("jdbc:postgresql://db.local/test").getPort()).isEqualTo(5432);
        assertThat(TestDatabases.replaceHostAndPort("jdbc:postgresql://db.local:6543/test?currentSchema=s",
                "127.0.0.1", 40000)).isEqualTo("jdbc:postgresql://127.0.0.1:40000/test?currentSchema=s");
    }

    @Test
    void theSchemaIsDroppedOnClose() throws SQLException {
        TestDatabase temporary = TestDatabases.freshPostgresSchema("dropme");
        temporary.close();
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + temporary.name() + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
