package dev.mailroom.faults;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A transaction that inserts one event (the only event of its key) and stays open until
 * {@link #commit()}: its row's id is lower than those of every event committed meanwhile.
 */
final class HeldTransaction implements AutoCloseable {

    private final Connection connection;
    private final History history;
    private final Produced event;

    private HeldTransaction(Connection connection, History history, Produced event) {
        this.connection = connection;
        this.history = history;
        this.event = event;
    }

    static HeldTransaction open(TestDatabase database, OutboxPublisher publisher, History history, String key)
            throws SQLException {
        Connection connection = database.openConnection();
        connection.setAutoCommit(false);
        Produced event = Produced.committed(UUID.randomUUID(), key, 0);
        publisher.publish(connection, OutboxEvent.builder(FaultRoutes.EVENT_TYPE).eventId(event.id()).key(key)
                .json(Payloads.json(event)).build());
        return new HeldTransaction(connection, history, event);
    }

    UUID eventId() {
        return event.id();
    }

    boolean isOpen() throws SQLException {
        return !connection.isClosed() && connection.isValid(2);
    }

    void commit() throws SQLException {
        connection.commit();
        history.produced(event);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
