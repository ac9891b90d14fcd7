package dev.mailroom.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@WithMariaDb
class MariaDbExtensionTest {

    @Test
    void pooledSessionsWorkInTheFreshDatabase(TestDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE probe (id int)");
            statement.execute("INSERT INTO probe VALUES (1)");
            try (ResultSet rs = statement.executeQuery("SELECT database(), @@session.time_zone, count(*) FROM probe")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(database.name());
                assertThat(rs.getString(2)).isEqualTo("+12:45");
                assertThat(rs.getInt(3)).isEqualTo(1);
            }
        }
    }

    @Test
    void urlsKeepTheirParametersWhenTheDatabaseIsReplaced() {
        assertThat(TestDatabases.replaceDatabase("jdbc:mariadb://h:3306/test?a=b", "x"))
                .isEqualTo("jdbc:mariadb://h:3306/x?a=b");
        assertThat(TestDatabases.replaceDatabase("jdbc:mariadb://h:3306", "x")).isEqualTo("jdbc:mariadb://h:3306/x");
    }
}
