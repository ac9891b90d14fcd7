package dev.mailroom.jdbc.dialect;

/**
 * The whole statements for one outbox table in one dialect. Parameters are documented per method,
 * in order. Every state change is guarded by the states the state machine allows it from.
 */
public interface OutboxSql {

    /** The columns read by every query, in the order {@code OutboxRowMapper} reads them. */
    String columns();

    /**
     * Inserts {@code rows} events. Per row: event_id, event_type, event_key, payload, content_type,
     * headers (JSON text), tenant_id, correlation_id, event_version, max_attempts.
     */
    String insert(int rows);

    /** Like {@link #insert(int)}, but rows whose event id is already present are skipped silently. */
    String insertIgnoringDuplicates(int rows);

    /**
     * Like {@link #insertIgnoringDuplicates(int)}, returning {@code (id, event_id)} of every row it
     * inserted: a publish finds the event ids already present without an error that would abort the
     * caller's transaction.
     */
    String insertReturningNew(int rows);

    /** Deletes rows by event id, whatever their state: event ids (array). Undoes a publish refused after its insert. */
    String deleteByEventIds();

    /** Claims due pending rows: lease owner, lease millis, limit. Returns the claimed rows. */
    String claim();

    /**
     * Claims due pending rows that are the oldest undelivered row of their key (or have no key):
     * lease owner, lease millis, window, limit. A row waits while an earlier row of its key is
     * pending (even if not yet due) or sending, so each key's rows are handed out one at a time in id
     * order. Only the {@code window} oldest due pending rows are considered (null: all of them), so a
     * claim that cannot fill its batch (most keys in flight) does not walk the whole backlog.
     */
    String claimInKeyOrder();

    /**
     * Locks due pending rows ({@code FOR UPDATE SKIP LOCKED}) without changing them: limit. The
     * caller's transaction stays open while the rows are sent; the lock is the lease.
     */
    String lock();

    /** Like {@link #claimInKeyOrder()}, but locks instead of leasing: window, limit. */
    String lockInKeyOrder();

    /** Whether any pending row is due (claimable now, or locked by another claimer or held back by its key). */
    String anyDuePending();

    /** Marks rows locked by this transaction published: ids (array). */
    String markLockedPublished();

    /**
     * Records failed attempts of rows locked by this transaction: ids, delay millis, error (three
     * arrays, same length). Returns id and new status of each changed row.
     */
    String markLockedFailed();

    /** Deletes rows locked by this transaction once acknowledged (no published history kept): ids (array). */
    String deleteLockedPublished();

    /** Deletes acknowledged sending rows leased to the owner (no published history kept): ids (array), lease owner. */
    String deletePublished();

    /** Marks sending rows published: ids (array), lease owner. */
    String markPublished();

    /**
     * Records failed attempts: ids, expected attempts, delay millis, error (four arrays, same
     * length), lease owner. Returns id and new status of each changed row.
     */
    String markFailed();

    /** Marks a row dead: reason, id, lease owner (null for an operator: any unleased or leased row). */
    String markDead();

    /** Locks one row by event id and returns its status. Parameter: event id. */
    String lockByEventId();

    /** Marks a locked row consumed: event id. */
    String markConsumed();

    /** Returns expired leases to pending (or dead at max attempts): limit. */
    String reclaimExpired();

    /** Returns leased rows to pending without counting an attempt: ids (array), lease owner. */
    String release();

    /** Extends leases: lease millis, ids (array), lease owner. */
    String renew();

    /** Deletes at most limit published/consumed rows last changed before the age: age millis, limit. */
    String deleteFinished();

    /** Row count per status. */
    String countByState();

    /** Seconds since the oldest undelivered (pending or sending) row was created, or null. */
    String oldestUndeliveredAge();

    /**
     * Seconds until the next row becomes claimable without a new insert: the earliest future retry of
     * a pending row (one that failed before) or the earliest lease expiry (negative when a lease has
     * already expired); null when neither exists.
     */
    String nextDueIn();

    /** Whether any pending row waits for a retry (and may hold its key back for a while). */
    String anyRetryWaiting();

    /** One row by event id: event id. */
    String findByEventId();
}
