package dev.mailroom.jdbc;

import java.sql.SQLException;

/**
 * The database rolled the transaction back for a serialization failure or a deadlock. Mailroom's
 * own short transactions are retried before this is thrown; for a publish, it is the caller's
 * transaction that was lost: run it again from the start.
 */
public final class TransactionConflictException extends StoreException {

    public TransactionConflictException(String operation, String table, SQLException cause) {
        super(operation + " lost a serialization conflict or deadlock; the transaction can be run again", table, cause);
    }
}
