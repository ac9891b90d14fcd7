package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** Marking rows consumed, with the consumer's work in the same transaction: see {@link OutboxStore#consume}. */
final class Consumption {

    private final StoreTransactions transactions;
    private final OutboxOperations operations;

    Consumption(StoreTransactions transactions, OutboxOperations operations) {
        this.transactions = transactions;
        this.operations = operations;
    }

    ConsumeOutcome consume(UUID eventId, ConsumeCallback work) {
        // not retried on a conflict: the work is the caller's handler, which may act outside the database
        return transactions.once("consume", connection -> consumeOn(connection, eventId, work));
    }

    ConsumeOutcome consumeInCallersTransaction(Connection transaction, UUID eventId, ConsumeCallback work) {
        try {
            return consumeOn(transaction, eventId, work);
        } catch (SQLException e) {
            throw transactions.translate("consume", e);
        }
    }

    private ConsumeOutcome consumeOn(Connection connection, UUID eventId, ConsumeCallback work) throws SQLException {
        Optional<OutboxState> locked = operations.lockByEventId(connection, eventId);
        if (locked.isEmpty()) {
            return ConsumeOutcome.NOT_FOUND;
        }
        OutboxState state = locked.get();
        if (state == OutboxState.CONSUMED) {
            return ConsumeOutcome.ALREADY_CONSUMED;
        }
        if (state == OutboxState.DEAD) {
            return ConsumeOutcome.DEAD;
        }
        run(eventId, work, connection);
        operations.markConsumed(connection, eventId);
        return ConsumeOutcome.CONSUMED;
    }

    boolean markConsumedInCallersTransaction(Connection transaction, UUID eventId) {
        try {
            return operations.markConsumed(transaction, eventId);
        } catch (SQLException e) {
            throw transactions.translate("mark consumed", e);
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
