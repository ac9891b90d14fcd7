package dev.mailroom.jdbc.store;

import java.sql.Connection;
import java.sql.SQLException;

/** The consumer's work, run in the transaction that marks the outbox row consumed. */
@FunctionalInterface
public interface ConsumeCallback {

    /**
     * Does the work on {@code connection}. Must neither commit nor roll back; throwing rolls the
     * whole transaction back and leaves the row as it was.
     */
    void accept(Connection connection) throws Exception;
}
