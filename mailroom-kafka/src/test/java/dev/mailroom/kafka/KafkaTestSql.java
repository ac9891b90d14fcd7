package dev.mailroom.kafka;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.testkit.db.TestDatabase;

/** The Kafka tests' SQL that differs per database, picked once by the database's dialect. */
final class KafkaTestSql {

    private final SqlDialect dialect;

    private KafkaTestSql(SqlDialect dialect) {
        this.dialect = dialect;
    }

    static KafkaTestSql of(TestDatabase database) {
        return new KafkaTestSql(SqlDialect.detect(database.dataSource()));
    }

    SqlDialect dialect() {
        return dialect;
    }

    /** A text expression as its UTF-8 bytes, for the {@code payload} column of a plain SQL insert. */
    String utf8Bytes(String textExpression) {
        return dialect.choose(() -> "convert_to(" + textExpression + ", 'UTF8')", () -> textExpression);
    }

    /** The {@code event_id} column as text. */
    String eventIdText() {
        return dialect.choose(() -> "event_id::text", () -> "event_id");
    }
}
