package dev.mailroom.spring;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes events in the current Spring transaction: call it from a {@code @Transactional} method
 * and the outbox rows commit, or roll back, with the method's own writes, whether they go through
 * {@code JdbcTemplate}, JPA/Hibernate ({@code JpaTransactionManager} on the same {@code DataSource})
 * or jOOQ. It writes on the connection that Spring bound to the transaction
 * ({@link DataSourceUtils#getConnection}) and never commits itself.
 *
 * <p>With no transaction active it throws {@link IllegalTransactionStateException}, or, when
 * configured ({@code mailroom.publisher.without-transaction=new-transaction}), publishes in a
 * transaction of its own. A transaction that does not manage Mailroom's {@code DataSource} (its
 * connection is in auto-commit mode) is refused the same way: an event is never auto-committed
 * apart from the writes it describes.
 *
 * <p>Every check of {@link OutboxPublisher} applies first (routes, sizes, JSON); a refused publish
 * writes nothing and leaves the transaction usable.
 */
public class TransactionalOutboxPublisher {

    private final OutboxPublisher publisher;
    private final DataSource dataSource;
    private final MailroomJson json;
    private final WithoutTransaction withoutTransaction;
    private final PlatformTransactionManager transactionManager;

    public TransactionalOutboxPublisher(OutboxPublisher publisher, DataSource dataSource, MailroomJson json,
                                        WithoutTransaction withoutTransaction,
                                        PlatformTransactionManager transactionManager) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.json = Objects.requireNonNull(json, "json");
        this.withoutTransaction = Objects.requireNonNull(withoutTransaction, "withoutTransaction");
        this.transactionManager = transactionManager;
        if (withoutTransaction == WithoutTransaction.NEW_TRANSACTION && transactionManager == null) {
            throw new IllegalArgumentException("mailroom.publisher.without-transaction=new-transaction needs a"
                    + " PlatformTransactionManager bean");
        }
    }

    /** Publishes {@code payload} as JSON (written with the application's mapper); returns the new event id. */
    public UUID publish(String eventType, String key, Object payload) {
        return publish(event(eventType, key, payload).build());
    }

    /**
     * An event whose JSON payload is {@code payload} written with the application's mapper, to add
     * headers, a tenant, a correlation id or a version before publishing it.
     */
    public OutboxEvent.Builder event(String eventType, String key, Object payload) {
        return OutboxEvent.builder(eventType).key(key).json(json.write(payload));
    }

    /** Publishes one event in the current transaction; returns its id. */
    public UUID publish(OutboxEvent event) {
        return inTransaction(connection -> publisher.publish(connection, event));
    }

    /** Publishes many events in the current transaction with multi-row inserts; returns their ids in order. */
    public List<UUID> publishAll(List<OutboxEvent> events) {
        return inTransaction(connection -> publisher.publishAll(connection, events));
    }

    private <T> T inTransaction(Function<Connection, T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return onBoundConnection(work);
        }
        if (withoutTransaction == WithoutTransaction.FAIL) {
            throw new IllegalTransactionStateException("No Spring transaction is active: publish inside a"
                    + " @Transactional method so the event commits with your writes (or set"
                    + " mailroom.publisher.without-transaction=new-transaction)");
        }
        return new TransactionTemplate(transactionManager).execute(status -> onBoundConnection(work));
    }

    private <T> T onBoundConnection(Function<Connection, T> work) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (connection.getAutoCommit()) {
                throw new IllegalTransactionStateException("The active transaction does not manage Mailroom's"
                        + " DataSource (its connection is in auto-commit mode); use a transaction manager for that"
                        + " DataSource (DataSourceTransactionManager or JpaTransactionManager)");
            }
            return work.apply(connection);
        } catch (SQLException e) {
            throw new IllegalTransactionStateException("Could not read the transaction's connection state: " + e, e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }
}
