package dev.mailroom.consumer;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.EventBinder;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.jdbc.internal.Transactions;
import dev.mailroom.routing.TableName;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** Writes received events into the inbox in one transaction; an event id already there is skipped. */
final class InboxWriter {

    private static final int MAX_ROWS_PER_STATEMENT = 500;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final OutboxSql sql;
    private final int maxAttempts;

    InboxWriter(DataSource dataSource, SqlDialect dialect, TableName table, int maxAttempts) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.sql = dialect.outboxSql(table);
        this.maxAttempts = maxAttempts;
    }

    /** Returns how many events were new. */
    int write(List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                int inserted = 0;
                for (int from = 0; from < events.size(); from += MAX_ROWS_PER_STATEMENT) {
                    List<OutboxEvent> chunk = events.subList(from, Math.min(events.size(), from + MAX_ROWS_PER_STATEMENT));
                    try (PreparedStatement statement = connection.prepareStatement(sql.insertIgnoringDuplicates(chunk.size()))) {
                        int index = 1;
                        for (OutboxEvent event : chunk) {
                            index = EventBinder.bind(statement, index, event, maxAttempts);
                        }
                        inserted += statement.executeUpdate();
                    }
                }
                return inserted;
            });
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, table.qualified(), "inbox write", e);
        }
    }
}
