package dev.mailroom.consumer;

import dev.mailroom.jdbc.store.ConsumeCallback;

/**
 * Runs the transaction in which a handler's work and its inbox record commit together. By default
 * the worker opens it on a connection of the consumer's {@code DataSource}. A framework that manages
 * transactions itself (Spring's transaction manager) supplies its own, so that the handler's other
 * writes through that framework ({@code JdbcTemplate}, JPA, jOOQ) join the same transaction.
 */
@FunctionalInterface
public interface HandlerTransactions {

    /**
     * Runs {@code work} on a connection in a new transaction of the consumer's database: commits
     * when it returns, rolls back and rethrows when it throws. The connection must not be in
     * auto-commit mode.
     */
    void inNewTransaction(ConsumeCallback work) throws Exception;
}
