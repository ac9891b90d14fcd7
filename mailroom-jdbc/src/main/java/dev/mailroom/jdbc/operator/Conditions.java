package dev.mailroom.jdbc.operator;

import dev.mailroom.jdbc.dialect.OperatorSql;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.state.OutboxState;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A filter as a {@code WHERE} clause from the dialect's fixed conditions, and its values bound in
 * the same order: the one place that keeps the two in step.
 */
record Conditions(String sql, List<Object> values) {

    static Conditions of(OperatorSql operatorSql, MessageFilter filter, Long cursor, boolean newestFirst) {
        List<Object> values = new ArrayList<>();
        for (OutboxState state : OutboxState.values()) {
            if (filter.states().contains(state)) {
                values.add(state.dbValue());
            }
        }
        addIfPresent(values, filter.eventType());
        addIfPresent(values, filter.key());
        addIfPresent(values, filter.tenantId());
        addIfPresent(values, filter.correlationId());
        addIfPresent(values, filter.eventId());
        addIfPresent(values, filter.createdFrom());
        addIfPresent(values, filter.createdBefore());
        addIfPresent(values, filter.errorText());
        addIfPresent(values, cursor);
        String where = operatorSql.where(filter.states(), filter.eventType() != null, filter.key() != null,
                filter.tenantId() != null, filter.correlationId() != null, filter.eventId() != null,
                filter.createdFrom() != null, filter.createdBefore() != null, filter.errorText() != null,
                filter.holdingOnly(), cursor != null, newestFirst);
        return new Conditions(where, values);
    }

    private static void addIfPresent(List<Object> values, Object value) {
        if (value != null) {
            values.add(value);
        }
    }

    /** Binds the values from {@code index} on; returns the next free index. */
    int bind(SqlDialect dialect, PreparedStatement statement, int index) throws SQLException {
        for (Object value : values) {
            if (value instanceof UUID uuid) {
                dialect.setUuid(statement, index++, uuid);
            } else if (value instanceof Instant instant) {
                dialect.setInstant(statement, index++, instant);
            } else if (value instanceof Long number) {
                statement.setLong(index++, number);
            } else {
                statement.setString(index++, (String) value);
            }
        }
        return index;
    }
}
