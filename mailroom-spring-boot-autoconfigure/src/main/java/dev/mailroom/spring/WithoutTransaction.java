package dev.mailroom.spring;

/** What {@link TransactionalOutboxPublisher} does when it is called with no Spring transaction active. */
public enum WithoutTransaction {
    /** Refuse the publish with {@link org.springframework.transaction.IllegalTransactionStateException} (the default). */
    FAIL,
    /** Publish in a transaction of its own, committed before the call returns (never auto-commit). */
    NEW_TRANSACTION
}
