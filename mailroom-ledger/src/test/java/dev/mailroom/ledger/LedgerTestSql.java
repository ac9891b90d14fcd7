package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/** The ledger tests' SQL and expectations that differ per database, picked by the test database's dialect. */
final class LedgerTestSql {

    private final SqlDialect dialect;

    LedgerTestSql(TestDatabase database) {
        this.dialect = SqlDialect.detect(database.dataSource());
    }

    SqlDialect dialect() {
        return dialect;
    }

    /** Statements for one session that empty the default ledger and its audit table, ids starting again at 1. */
    List<String> emptyLedger() {
        return dialect.choose(() -> List.of("TRUNCATE mailroom_ledger, mailroom_ledger_audit RESTART IDENTITY"),
                () -> List.of("SET FOREIGN_KEY_CHECKS = 0", "TRUNCATE mailroom_ledger_audit", "TRUNCATE mailroom_ledger",
                        "SET FOREIGN_KEY_CHECKS = 1"));
    }

    /** An hour from now, as the ledger stores times. */
    String anHourFromNow() {
        return dialect.choose(() -> "now() + interval '1 hour'", () -> "UTC_TIMESTAMP(6) + INTERVAL 1 HOUR");
    }

    /** Whether the database refused a value for a {@code CHECK} constraint. */
    boolean isCheckViolation(SQLException e) {
        return dialect.choose(() -> "23514".equals(e.getSQLState()), () -> e.getErrorCode() == 4025);
    }

    /** Statements {@code recordAll} prepares per 500 items: one insert, or insert, ids read back and audit rows. */
    int statementsPerRecordedChunk() {
        return dialect.choose(() -> 1, () -> 3);
    }

    /** A data source of this database's kind at a loopback port where nothing listens (2 s connect timeout). */
    DataSource unreachable() {
        return dialect.choose(TestDatabases::unreachablePostgres, () -> {
            try (ServerSocket socket = new ServerSocket(0)) {
                int closedPort = socket.getLocalPort();
                socket.close();
                MariaDbDataSource down = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + closedPort
                        + "/test?connectTimeout=2000");
                down.setUser("root");
                return down;
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
