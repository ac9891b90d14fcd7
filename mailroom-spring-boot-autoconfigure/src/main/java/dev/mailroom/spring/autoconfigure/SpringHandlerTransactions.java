package dev.mailroom.spring.autoconfigure;

import dev.mailroom.consumer.HandlerTransactions;
import dev.mailroom.jdbc.store.ConsumeCallback;
import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * Runs each handler's transaction with the application's transaction manager: the inbox record is
 * written on the connection Spring bound to it, so a handler's {@code JdbcTemplate}, JPA
 * ({@code JpaTransactionManager} on the same {@code DataSource}) or jOOQ writes commit with it.
 */
final class SpringHandlerTransactions implements HandlerTransactions {

    private final PlatformTransactionManager transactionManager;
    private final DataSource dataSource;
    private final DefaultTransactionDefinition definition;

    SpringHandlerTransactions(PlatformTransactionManager transactionManager, DataSource dataSource, String name) {
        this.transactionManager = transactionManager;
        this.dataSource = dataSource;
        this.definition = new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.definition.setName(name);
    }

    @Override
    public void inNewTransaction(ConsumeCallback work) throws Exception {
        TransactionStatus status = transactionManager.getTransaction(definition);
        try {
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try {
                if (connection.getAutoCommit()) {
                    throw new IllegalTransactionStateException("The transaction manager " + transactionManager
                            + " does not manage Mailroom's DataSource: the inbox record would not commit with the"
                            + " handler's writes");
                }
                work.accept(connection);
            } finally {
                DataSourceUtils.releaseConnection(connection, dataSource);
            }
        } catch (Throwable e) {
            transactionManager.rollback(status);
            throw e;
        }
        transactionManager.commit(status);
    }
}
