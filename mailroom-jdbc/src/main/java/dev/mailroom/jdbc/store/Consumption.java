package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Marking rows consumed, with the consumer's work in the same transaction: see {@link OutboxStore#consume}. */
final class Consumption {

    private final StoreTransactions transactions;
    private final OutboxSql sql;

    Consumption(StoreTransactions transactions, OutboxSql sql) {
        this.transactions = transactions;
        this.sql = sql;
    }

    ConsumeOutcome consume(UUID eventId, ConsumeCallback work) {
        // not retried on a conflict: the work is the caller's handler, which may act outside the database
        return transactions.once("consume", connection -> {
            OutboxState state;
            try (PreparedStatement lock = connection.prepareStatement(sql.lockByEventId())) {
                lock.setObject(1, eventId);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        return ConsumeOutcome.NOT_FOUND;
                    }
                    state = OutboxState.fromDbValue(rs.getString(1));
                }
            }
            if (state == OutboxState.CONSUMED) {
                return ConsumeOutcome.ALREADY_CONSUMED;
            }
            if (state == OutboxState.DEAD) {
                return ConsumeOutcome.DEAD;
            }
            run(eventId, work, connection);
            markConsumed(connection, eventId);
            return ConsumeOutcome.CONSUMED;
        });
    }

    boolean markConsumedInCallersTransaction(Connection transaction, UUID eventId) {
        try {
            return markConsumed(transaction, eventId);
        } catch (SQLException e) {
            throw transactions.translate("mark consumed", e);
        }
    }

    private boolean markConsumed(Connection connection, UUID eventId) throws SQLException {
        try (PreparedStatement mark = connection.prepareStatement(sql.markConsumed())) {
            mark.setObject(1, eventId);
            return mark.executeUpdate() == 1;
        }
    }

    private static void run(UUID eventId, ConsumeCallback work, Connection connection) throws SQLException {
        try {
            work.accept(connection);
        } catch (RuntimeException | SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new ConsumeCallbackException(eventId, e);
        }
    }
}
