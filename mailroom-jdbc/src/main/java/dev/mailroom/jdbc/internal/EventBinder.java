package dev.mailroom.jdbc.internal;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Binds one event to the ten parameters of a row of {@code OutboxSql.insert}: the one place that knows their order. */
public final class EventBinder {

    private EventBinder() {
    }

    /** Binds from {@code index} on; returns the next free index. */
    public static int bind(SqlDialect dialect, PreparedStatement statement, int index, OutboxEvent event,
                           int maxAttempts) throws SQLException {
        dialect.setUuid(statement, index++, event.eventId());
        statement.setString(index++, event.eventType());
        setNullableString(statement, index++, event.key());
        statement.setBytes(index++, event.payload());
        statement.setString(index++, event.contentType());
        statement.setString(index++, HeadersCodec.encode(event.headers()));
        setNullableString(statement, index++, event.tenantId());
        statement.setString(index++, event.correlationId());
        statement.setInt(index++, event.eventVersion());
        statement.setInt(index++, maxAttempts);
        return index;
    }

    private static void setNullableString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
