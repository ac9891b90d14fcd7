package dev.mailroom.jdbc.dialect;

/**
 * The statements of one outbox table whose shape is the same in every dialect (parameters in the
 * order documented); each dialect renders them, and the statements only it needs, once per table
 * in one class ({@code PostgresOutboxSql}, {@code MariaDbOutboxSql}). Nothing in them comes from
 * user input but the validated table name.
 */
public interface OutboxSql {

    /** The columns read by every row query, in the order the store's row mapper reads them. */
    String columns();

    /**
     * Inserts {@code rows} events. Per row: event_id, event_type, event_key, payload, content_type,
     * headers (JSON text), tenant_id, correlation_id, event_version, max_attempts.
     */
    String insert(int rows);

    /**
     * Marks a row dead, holding its key when its type is among the key-holding types: key-holding
     * types, reason, id, lease owner (null for an operator: any unleased or leased row), lease owner again.
     */
    String markDead();

    /** Locks one row by event id and returns its status: event id. */
    String lockByEventId();

    /** Marks a row consumed: event id. */
    String markConsumed();

    /** Row count per status. */
    String countByState();

    /** The number of rows pending or sending, meant to be served by their indexes (not the delivered history). */
    String countUndelivered();

    /**
     * One row: why the table's dead row versions (one per settled or deleted row) are not removed
     * automatically, or null when they are.
     */
    String whyNotVacuumed();

    /** Seconds since the oldest undelivered (pending or sending) row was created, or null. */
    String oldestUndeliveredAge();

    /**
     * Seconds until the next row becomes claimable without a new insert: the earliest future retry of
     * a pending row (one that failed before) or the earliest lease expiry (negative when a lease has
     * already expired); null when neither exists.
     */
    String nextDueIn();

    /** Whether any pending row waits for a retry. */
    String anyRetryWaiting();

    /** Whether any dead row holds its key while its type holds keys: key-holding types. */
    String anyKeyHeld();

    /** Whether any pending row is due. */
    String anyDuePending();

    /**
     * What a row-lock claim that found nothing asks before it sleeps, in one statement; null where
     * the dialect asks each on its own. Answers, in order: whether a pending row waits for a retry;
     * whether a dead row holds its key ({@code holdsKeys}: key-holding types bound; otherwise false,
     * unbound); whether a claim journal record no transaction holds exists (locking it); seconds until
     * the next row is due, as {@link #nextDueIn}; whether a due row is pending.
     */
    default String idleFacts(boolean holdsKeys) {
        return null;
    }

    /** One row by event id: event id. */
    String findByEventId();

    /** One row by id: id. */
    String findById();

    /** The statements of the table's claim journal, which row-lock claims keep. */
    ClaimJournalSql claimJournal();
}
