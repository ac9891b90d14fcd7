package dev.mailroom.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PostgreSQL errors classified by SQL state, never by message or exception class. */
class PostgresErrorClassificationTest {

    @ParameterizedTest
    @CsvSource({
            "08006, UNAVAILABLE", "08001, UNAVAILABLE", "57P01, UNAVAILABLE", "57P03, UNAVAILABLE",
            "53300, UNAVAILABLE", "25P03, UNAVAILABLE",
            "42P01, UNDEFINED_TABLE", "23505, UNIQUE_VIOLATION",
            "40001, CONFLICT", "40P01, CONFLICT",
            "22021, INVALID_DATA", "22P05, INVALID_DATA", "23514, INVALID_DATA", "23502, INVALID_DATA",
            "54000, INVALID_DATA",
            "57014, OTHER", "55P03, OTHER", "53200, OTHER", "XX000, OTHER", "42703, OTHER"})
    void sqlStatesMapToWhatMailroomDoesWithThem(String sqlState, SqlErrorKind kind) {
        assertThat(SqlDialect.postgresql().classify(new SQLException("message text is never read", sqlState)))
                .isEqualTo(kind);
    }
}
