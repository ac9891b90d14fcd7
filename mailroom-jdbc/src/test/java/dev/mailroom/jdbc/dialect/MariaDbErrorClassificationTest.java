package dev.mailroom.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.jdbc.JdbcTestSql;
import dev.mailroom.jdbc.OutboxFixture;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithMariaDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MariaDB errors classified by vendor code (and SQL state class 08 for connections), never by
 * message or exception class: the codes as a table, and the errors that matter provoked for real.
 */
@WithMariaDb
class MariaDbErrorClassificationTest {

    private static final SqlDialect MARIADB = SqlDialect.mariadb();

    private OutboxFixture outbox;

    @BeforeEach
    void setUp(TestDatabase database) throws SQLException {
        outbox = new OutboxFixture(database);
        outbox.reset();
        outbox.publishKeys("a", "b");
    }

    @ParameterizedTest
    @CsvSource({
            "1062, 23000, UNIQUE_VIOLATION", "1146, 42S02, UNDEFINED_TABLE",
            "1213, 40001, CONFLICT", "1205, HY000, CONFLICT",
            "1040, 08004, UNAVAILABLE", "1053, 08S01, UNAVAILABLE", "1927, 70100, UNAVAILABLE",
            "4031, HY000, UNAVAILABLE", "2006, HY000, UNAVAILABLE", "2013, HY000, UNAVAILABLE",
            "0, 08000, UNAVAILABLE", "0, 08S01, UNAVAILABLE",
            "1048, 23000, INVALID_DATA", "4025, 23000, INVALID_DATA", "1406, 22001, INVALID_DATA",
            "1366, 22007, INVALID_DATA", "1292, 22007, INVALID_DATA", "1264, 22003, INVALID_DATA",
            "1452, 23000, INVALID_DATA", "3140, 22032, INVALID_DATA",
            "1969, 70100, OTHER", "1317, 70100, OTHER", "1064, 42000, OTHER", "1054, 42S22, OTHER",
            "1044, 42000, OTHER"})
    void vendorCodesMapToWhatMailroomDoesWithThem(int code, String sqlState, SqlErrorKind kind) {
        assertThat(MARIADB.classify(new SQLException("message text is never read", sqlState, code))).isEqualTo(kind);
    }

    @Test
    void aDuplicateEventIdIs1062AUniqueViolation() throws Exception {
        String insert = "INSERT INTO orders_outbox (event_id, event_type, payload) VALUES ('" + UUID.randomUUID()
                + "', 'order.placed', '{}')";
        outbox.execute(insert);
        assertClassified(() -> outbox.execute(insert), 1062, SqlErrorKind.UNIQUE_VIOLATION);
    }

    @Test
    void aMissingTableIs1146() {
        assertClassified(() -> outbox.execute("SELECT count(*) FROM ghost_outbox"), 1146, SqlErrorKind.UNDEFINED_TABLE);
    }

    @Test
    void aDeadlockBetweenTwoTransactionsIs1213AConflict() throws Exception {
        try (Connection first = transaction(); Connection second = transaction()) {
            lockRow(first, 1);
            lockRow(second, 2);
            CompletableFuture<Void> firstWaits = CompletableFuture.runAsync(() -> {
                try {
                    lockRow(first, 2);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox.queryLong(
                    outbox.sql.sessionsWaitingOnLocks("SELECT id FROM orders_outbox")) == 1);
            SQLException victim;
            try {
                lockRow(second, 1);
                victim = waitForFailure(firstWaits);
            } catch (SQLException e) {
                victim = e;
            }
            assertThat(victim.getErrorCode()).isEqualTo(1213);
            assertThat(MARIADB.classify(victim)).isEqualTo(SqlErrorKind.CONFLICT);
        }
    }

    @Test
    void aLockWaitTimeoutIs1205AConflict() throws Exception {
        try (Connection holder = transaction(); Connection waiter = transaction()) {
            lockRow(holder, 1);
            execute(waiter, "SET SESSION innodb_lock_wait_timeout = 1");
            assertClassified(() -> lockRow(waiter, 1), 1205, SqlErrorKind.CONFLICT);
        }
    }

    @Test
    void aStatementOverMaxStatementTimeIsNotRetriedAsAConflict() throws Exception {
        try (Connection holder = transaction(); Connection waiter = transaction()) {
            lockRow(holder, 1);
            execute(waiter, "SET SESSION max_statement_time = 1");
            assertClassified(() -> lockRow(waiter, 1), 1969, SqlErrorKind.OTHER);
        }
    }

    @Test
    void aKilledIdleSessionIsUnavailable() throws Exception {
        try (Connection victim = outbox.database.openConnection()) {
            kill(sessionId(victim));
            assertThat(classifyFailure(() -> execute(victim, "SELECT 1"))).isEqualTo(SqlErrorKind.UNAVAILABLE);
        }
    }

    @Test
    void aSessionKilledWhileItRunsAStatementIsUnavailable() throws Exception {
        try (Connection holder = transaction(); Connection victim = transaction()) {
            lockRow(holder, 1);
            long id = sessionId(victim);
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    lockRow(victim, 1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox.queryLong(
                    outbox.sql.sessionsWaitingOnLocks("SELECT id FROM orders_outbox")) == 1);
            kill(id);
            SQLException killed = waitForFailure(waiting);
            assertThat(MARIADB.classify(killed)).as(describe(killed)).isEqualTo(SqlErrorKind.UNAVAILABLE);
        }
    }

    @Test
    void aSessionTheServerEndedForIdlingInATransactionIsUnavailable() throws Exception {
        try (Connection idle = transaction()) {
            long id = sessionId(idle);
            execute(idle, "SET SESSION idle_transaction_timeout = 1");
            lockRow(idle, 1);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> outbox.queryLong(
                    "SELECT count(*) FROM information_schema.processlist WHERE id = " + id) == 0);
            assertThat(classifyFailure(() -> lockRow(idle, 2))).isEqualTo(SqlErrorKind.UNAVAILABLE);
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsUnavailable() {
        assertThat(classifyFailure(() -> {
            try (Connection ignored = new JdbcTestSql(MARIADB).unreachable().getConnection()) {
                // never reached
            }
        })).isEqualTo(SqlErrorKind.UNAVAILABLE);
    }

    @Test
    void valuesTheSchemaRefusesAreInvalidData() {
        assertClassified(() -> outbox.execute("INSERT INTO orders_outbox (event_type, payload) VALUES (NULL, '{}')"),
                1048, SqlErrorKind.INVALID_DATA);
        assertClassified(() -> outbox.execute("INSERT INTO orders_outbox (event_type, payload, headers)"
                + " VALUES ('order.placed', '{}', '{oops')"), 4025, SqlErrorKind.INVALID_DATA);
        assertClassified(() -> outbox.execute("UPDATE orders_outbox SET lease_owner = '" + "x".repeat(300) + "'"),
                1406, SqlErrorKind.INVALID_DATA);
        assertClassified(() -> outbox.execute("UPDATE orders_outbox SET attempts = 99999999999"),
                1264, SqlErrorKind.INVALID_DATA);
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void assertClassified(SqlAction action, int code, SqlErrorKind kind) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getErrorCode()).as(describe(e)).isEqualTo(code);
            assertThat(MARIADB.classify(e)).isEqualTo(kind);
        });
    }

    private static SqlErrorKind classifyFailure(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            return MARIADB.classify(e);
        }
        throw new AssertionError("no error");
    }

    private static SQLException waitForFailure(CompletableFuture<Void> work) throws Exception {
        try {
            work.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause().getCause() instanceof SQLException sqlException) {
                return sqlException;
            }
            throw e;
        }
        throw new AssertionError("no error");
    }

    private static String describe(SQLException e) {
        return e.getClass().getSimpleName() + " " + e.getErrorCode() + "/" + e.getSQLState() + ": " + e.getMessage();
    }

    private Connection transaction() throws SQLException {
        Connection connection = outbox.database.openConnection();
        connection.setAutoCommit(false);
        return connection;
    }

    private static void lockRow(Connection connection, long id) throws SQLException {
        execute(connection, "SELECT id FROM orders_outbox WHERE id = " + id + " FOR UPDATE");
    }

    private static long sessionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void kill(long sessionId) throws SQLException {
        outbox.execute("KILL CONNECTION " + sessionId);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
