package dev.mailroom.jdbc.dialect;

import static dev.mailroom.jdbc.dialect.SqlText.list;
import static dev.mailroom.jdbc.dialect.SqlText.q;
import static dev.mailroom.state.OutboxState.CONSUMED;
import static dev.mailroom.state.OutboxState.DEAD;
import static dev.mailroom.state.OutboxState.DISCARDED;
import static dev.mailroom.state.OutboxState.PENDING;
import static dev.mailroom.state.OutboxState.PUBLISHED;
import static dev.mailroom.state.OutboxState.SENDING;

import dev.mailroom.routing.TableName;
import dev.mailroom.state.OutboxState;
import java.util.EnumSet;
import java.util.Set;

/**
 * PostgreSQL statements for one outbox table. Status values and transition guards are rendered
 * from {@link OutboxState}; nothing here comes from user input but the validated table name.
 *
 * <p>Claims select ids through {@code = ANY(ARRAY(subquery))} so the planner walks the partial
 * pending index and locks only the rows it returns ({@code IN (subquery)} may become a hash join
 * over the whole table).
 */
final class PostgresOutboxSql implements OutboxSql {

    private static final String COLUMNS = "id, event_id, event_type, event_key, payload, content_type, headers::text,"
            + " tenant_id, correlation_id, event_version, status, attempts, max_attempts, next_attempt_at,"
            + " last_error, lease_owner, lease_expires_at, created_at, published_at, consumed_at, updated_at, holds_key";
    private static final String INSERT_ROW = "(?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)";
    private static final String MILLIS = " * interval '1 millisecond'";
    private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL, updated_at = now()";
    /** A row going dead holds its key when its type is among the key-holding types (a parameter, text[]). */
    private static final String HOLDS_KEY_IF_DEAD = "holds_key = (t.attempts + 1 >= t.max_attempts AND t.event_type = ANY(?::text[]))";
    /** A counted attempt of the row {@code t}: pending again, or dead (holding its key) at its max attempts. */
    private static final String FAILED_ATTEMPT = HOLDS_KEY_IF_DEAD + ", attempts = t.attempts + 1,"
            + " status = CASE WHEN t.attempts + 1 >= t.max_attempts THEN " + q(DEAD) + " ELSE " + q(PENDING) + " END";

    private final String table;
    private final String insertPrefix;
    private final String claim;
    private final String claimInKeyOrder;
    private final String claimInKeyOrderHolding;
    private final String markPublished;
    private final String lock;
    private final String lockInKeyOrder;
    private final String lockInKeyOrderHolding;
    private final String markLockedPublished;
    private final String markLockedPublishedByRow;
    private final String deleteLockedPublishedByRow;
    private final String settleLockedPublished;
    private final String settleLockedDeleted;
    private final String forgetClaimAndCommit;
    private final String anyDuePending;
    private final String deleteLockedPublished;
    private final String deletePublished;
    private final String markLockedFailed;
    private final String markFailed;
    private final String markDead;
    private final String lockByEventId;
    private final String markConsumed;
    private final String reclaimExpired;
    private final String release;
    private final String renew;
    private final String deleteFinished;
    private final String countByState;
    private final String countUndelivered;
    private final String oldestUndeliveredAge;
    private final String whyNotVacuumed;
    private final String findByEventId;
    private final String findById;
    private final ClaimJournalSql claimJournal;
    private final String idleFactsHoldingKeys;
    private final String idleFactsHoldingNoKeys;
    private final String nextDueIn;
    private final String anyRetryWaiting;
    private final String deleteByEventIds;
    private final String anyKeyHeld;
    private final String countLostClaim;
    private final String anyPendingOf;
    private final PartitionLeaseSql partitionLeases;
    /**
     * The partition claim's plan: its window must walk the pending index in id order and stop at the
     * limit. With statistics from a smaller table (autovacuum's ANALYZE lags a fast-growing backlog)
     * the planner estimates few matching rows and prefers a bitmap scan of the whole pending index and
     * a sort: measured 3.6 s per claim with 720,000 rows pending, against milliseconds.
     */
    private static final String CLAIM_PLAN = "SET LOCAL enable_bitmapscan TO OFF";

    PostgresOutboxSql(TableName tableName) {
        this.table = tableName.qualified();
        this.insertPrefix = "INSERT INTO " + table + " (event_id, event_type, event_key, payload, content_type,"
                + " headers, tenant_id, correlation_id, event_version, max_attempts) VALUES ";
        this.claim = "UPDATE " + table + " SET status = " + q(SENDING) + ", lease_owner = ?,"
                + " lease_expires_at = now() + ?" + MILLIS + ", updated_at = now()"
                + " WHERE id = ANY(ARRAY(SELECT id FROM " + table
                + " WHERE status = " + q(PENDING) + " AND next_attempt_at <= now()"
                + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED))"
                + guard(SENDING) + " RETURNING " + COLUMNS;
        this.claimInKeyOrder = claimInKeyOrder(table, false);
        this.claimInKeyOrderHolding = claimInKeyOrder(table, true);
        this.lock = "SELECT " + COLUMNS + " FROM " + table + " WHERE status = " + q(PENDING)
                + " AND next_attempt_at <= now() ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
        this.lockInKeyOrder = lockInKeyOrder(table, false);
        this.lockInKeyOrderHolding = lockInKeyOrder(table, true);
        this.anyDuePending = "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE status = " + q(PENDING)
                + " AND next_attempt_at <= now())";
        this.deleteLockedPublished = "DELETE FROM " + table + " WHERE id = ANY(?)" + guard(PUBLISHED);
        // each row named by id and creation time: on a time-partitioned table each is looked for in its own
        // partition only (run-time pruning of the join), instead of every id in every partition
        String byRow = " FROM unnest(?::bigint[], ?::text[]::timestamptz[]) AS b(id, created_at)";
        this.markLockedPublishedByRow = "UPDATE " + table + " t SET status = " + q(PUBLISHED) + ", published_at = now(),"
                + " updated_at = now()" + byRow + " WHERE t.id = b.id AND t.created_at = b.created_at" + guard(PUBLISHED);
        this.deleteLockedPublishedByRow = "DELETE FROM " + table + " t USING" + byRow.substring(" FROM".length())
                + " WHERE t.id = b.id AND t.created_at = b.created_at" + guard(PUBLISHED);
        this.deletePublished = "DELETE FROM " + table + " WHERE id = ANY(?)" + guard(PUBLISHED) + " AND lease_owner = ?";
        this.markLockedPublished = "UPDATE " + table + " SET status = " + q(PUBLISHED) + ", published_at = now(),"
                + " updated_at = now() WHERE id = ANY(?)" + guard(PUBLISHED);
        // a failed row-locked attempt never left pending: it stays there (or goes dead at max attempts)
        this.markLockedFailed = "UPDATE " + table + " t SET " + FAILED_ATTEMPT + ","
                + " next_attempt_at = now() + f.delay_ms" + MILLIS + ", last_error = f.error, updated_at = now()"
                + " FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS f(id, delay_ms, error)"
                + " WHERE t.id = f.id AND " + inStates("t.status", Set.of(PENDING)) + " RETURNING t.id, t.status";
        this.markPublished = "UPDATE " + table + " SET status = " + q(PUBLISHED) + ", published_at = now(), "
                + CLEAR_LEASE + " WHERE id = ANY(?)" + guard(PUBLISHED) + " AND lease_owner = ?";
        this.markFailed = "UPDATE " + table + " t SET " + FAILED_ATTEMPT + ","
                + " next_attempt_at = now() + f.delay_ms" + MILLIS + ", last_error = f.error, " + CLEAR_LEASE
                + " FROM unnest(?::bigint[], ?::int[], ?::bigint[], ?::text[]) AS f(id, attempts, delay_ms, error)"
                + " WHERE t.id = f.id AND t.attempts = f.attempts"
                + " AND " + inStates("t.status", OutboxState.sourcesOfBoth(PENDING, DEAD)) + " AND t.lease_owner = ?"
                + " RETURNING t.id, t.status";
        this.markDead = "UPDATE " + table + " SET status = " + q(DEAD) + ", holds_key = (event_type = ANY(?::text[])),"
                + " last_error = ?, " + CLEAR_LEASE + " WHERE id = ?" + guard(DEAD) + " AND (?::text IS NULL OR lease_owner = ?)";
        this.lockByEventId = "SELECT status FROM " + table + " WHERE event_id = ? FOR UPDATE";
        this.markConsumed = "UPDATE " + table + " SET status = " + q(CONSUMED) + ", consumed_at = now(), "
                + CLEAR_LEASE + " WHERE event_id = ?" + guard(CONSUMED);
        this.reclaimExpired = "UPDATE " + table + " t SET " + HOLDS_KEY_IF_DEAD + ", attempts = attempts + 1,"
                + " status = CASE WHEN attempts + 1 >= max_attempts THEN " + q(DEAD) + " ELSE " + q(PENDING) + " END,"
                + " last_error = 'lease of ' || coalesce(lease_owner, 'unknown') || ' expired before the delivery was recorded',"
                + " next_attempt_at = now(), " + CLEAR_LEASE
                + " WHERE id = ANY(ARRAY(SELECT id FROM " + table + " WHERE status = " + q(SENDING)
                // a row a SQL producer inserted as 'sending' without a lease counts as expired
                + " AND (lease_expires_at < now() OR lease_expires_at IS NULL)"
                + " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED))"
                + " AND " + inStates("status", Set.of(SENDING));
        this.release = "UPDATE " + table + " SET status = " + q(PENDING) + ", " + CLEAR_LEASE
                + " WHERE id = ANY(?)" + guard(PENDING) + " AND lease_owner = ?";
        this.renew = "UPDATE " + table + " SET lease_expires_at = now() + ?" + MILLIS + ", updated_at = now()"
                + " WHERE id = ANY(?) AND " + inStates("status", Set.of(SENDING)) + " AND lease_owner = ?";
        // from a cursor (the last id the pass deleted): each batch starts where the last one ended instead
        // of walking the row versions every earlier batch deleted, which only vacuum removes
        this.deleteFinished = deleteFinished(table);
        this.countByState = "SELECT status, count(*) FROM " + table + " GROUP BY status";
        // two partial indexes (pending ids, sending leases): the delivered history is never read
        this.countUndelivered = "SELECT (SELECT count(*) FROM " + table + " WHERE status = " + q(PENDING) + ")"
                + " + (SELECT count(*) FROM " + table + " WHERE status = " + q(SENDING) + ")";
        this.whyNotVacuumed = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_options_to_table((SELECT reloptions FROM pg_class"
                + " WHERE oid = to_regclass('" + table + "'))) WHERE option_name = 'autovacuum_enabled'"
                + " AND NOT option_value::boolean) THEN 'the table has autovacuum_enabled = false'"
                + " WHEN current_setting('autovacuum') <> 'on' THEN 'the server runs with autovacuum = off'"
                + " WHEN current_setting('track_counts') <> 'on' THEN 'the server runs with track_counts = off,"
                + " which autovacuum needs' END";
        this.oldestUndeliveredAge = "SELECT extract(epoch FROM now() - min(created_at)) FROM ("
                + "(SELECT created_at FROM " + table + " WHERE status = " + q(PENDING) + " ORDER BY id LIMIT 1)"
                + " UNION ALL (SELECT min(created_at) FROM " + table + " WHERE status = " + q(SENDING) + ")) oldest";
        this.nextDueIn = "SELECT extract(epoch FROM least("
                + "(SELECT min(next_attempt_at) FROM " + table + " WHERE status = " + q(PENDING)
                + " AND attempts > 0 AND next_attempt_at > now()),"
                + " (SELECT min(coalesce(lease_expires_at, now())) FROM " + table + " WHERE status = " + q(SENDING) + "))"
                + " - now())";
        this.anyRetryWaiting = "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE status = " + q(PENDING)
                + " AND attempts > 0 AND next_attempt_at > now())";
        this.deleteByEventIds = "DELETE FROM " + table + " WHERE event_id = ANY(?)";
        this.anyKeyHeld = "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE holds_key AND event_type = ANY(?::text[]))";
        this.findByEventId = "SELECT " + COLUMNS + " FROM " + table + " WHERE event_id = ?";
        this.findById = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
        String claims = table + "_claims";
        // the record commits on its own in one round trip, asynchronously whatever the store's setting: it
        // matters when a relay dies while the database lives; a database crash loses the claim with it
        String asynchronous = "WITH asynchronous AS (SELECT set_config('synchronous_commit', 'off', true))";
        String record = "INSERT INTO " + claims + " (row_ids) SELECT ?::bigint[] FROM asynchronous";
        String unheld = "SELECT id, row_ids FROM " + claims + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
        // the row-lock claim's first round asks in its record's statement whether a claim was lost: the
        // statement's snapshot leaves out the record it writes, and the lock it takes ends with its commit
        this.claimJournal = new ClaimJournalSql(asynchronous + " " + record,
                asynchronous + ", recorded AS (" + record + " RETURNING id) SELECT recorded.id, EXISTS (SELECT 1 FROM "
                        + claims + " WHERE row_ids && ?::bigint[] LIMIT 1 FOR UPDATE SKIP LOCKED) FROM recorded",
                "SELECT id FROM " + claims + " WHERE id = ? FOR UPDATE", "DELETE FROM " + claims + " WHERE id = ?",
                unheld, "SELECT id FROM " + claims + " WHERE row_ids && ?::bigint[] ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
        String idleFacts = "SELECT (" + anyRetryWaiting + "), %s, EXISTS (SELECT 1 FROM " + claims
                + " LIMIT 1 FOR UPDATE SKIP LOCKED), (" + nextDueIn + "), (" + anyDuePending + ")";
        this.idleFactsHoldingKeys = idleFacts.formatted("(" + anyKeyHeld + ")");
        this.idleFactsHoldingNoKeys = idleFacts.formatted("false");
        // settling a row-lock batch in one round trip: its claim record goes with it (record id, then row ids),
        // and the commit is sent with the statement (the server runs it only if the statement succeeded)
        String forgetRecord = "WITH forgotten AS (" + claimJournal.forget() + ") ";
        String commit = "; COMMIT";
        this.settleLockedPublished = forgetRecord + markLockedPublished + commit;
        this.settleLockedDeleted = forgetRecord + deleteLockedPublished + commit;
        this.forgetClaimAndCommit = claimJournal.forget() + commit;
        // rows another claimer holds are passed by: their claim is alive, or a later one took them
        this.countLostClaim = "UPDATE " + table + " t SET " + FAILED_ATTEMPT + ", next_attempt_at = now(),"
                + " last_error = ?, updated_at = now() WHERE t.id = ANY(ARRAY(SELECT id FROM " + table
                + " WHERE id = ANY(?::bigint[]) AND " + inStates("status", Set.of(PENDING)) + " FOR UPDATE SKIP LOCKED))"
                + " AND " + inStates("t.status", Set.of(PENDING)) + " RETURNING t.id";
        this.anyPendingOf = "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE id = ANY(?::bigint[]) AND "
                + inStates("status", Set.of(PENDING)) + ")";
        this.partitionLeases = partitionLeases(table);
    }

    /**
     * The partition of a row: its key's hash, or its id when it has none, modulo the partition count.
     * Computed where needed rather than stored, so producers fill nothing and no migration rewrites rows.
     */
    static String partitionOf(String alias) {
        return "(CASE WHEN " + alias + ".event_key IS NULL THEN " + alias + ".id % " + PartitionLeaseSql.PARTITIONS
                + " ELSE (hashtext(" + alias + ".event_key) & 2147483647) % " + PartitionLeaseSql.PARTITIONS + " END)::int";
    }

    private static PartitionLeaseSql partitionLeases(String table) {
        String partitions = table + "_partitions";
        String relays = table + "_relays";
        // keys held back wherever they stand: a row waiting for its retry, a row leased by a relay in lease mode
        // (two selects, each served by its partial index: the claim's transaction allows no bitmap scan)
        String waitingKeys = "SELECT w.event_key FROM " + table + " w WHERE w.status = " + q(PENDING)
                + " AND w.attempts > 0 AND w.next_attempt_at > now() AND w.event_key IS NOT NULL"
                + " UNION ALL SELECT s.event_key FROM " + table + " s WHERE s.status = " + q(SENDING)
                + " AND s.event_key IS NOT NULL";
        // (a keyless dead row holds nothing back; a NULL in NOT IN would hold back every key)
        String heldKeys = " UNION ALL SELECT h.event_key FROM " + table + " h WHERE h.holds_key AND h.event_type = ANY(?::text[])"
                + " AND h.event_key IS NOT NULL";
        String claims = table + "_partition_claims";
        // the keys held back, read once per claim (inside the window's NOT IN a subquery over a time-partitioned
        // table would be read again for each partition the window walks)
        String held = "held AS MATERIALIZED (SELECT unnest(?::text[]) AS event_key UNION ALL " + waitingKeys + "{held})";
        // the window: the oldest due pending rows of the partitions, passing by what the claimer holds
        // (NOT IN over a subquery is hashed once per statement, where <> ALL(array) compares each row to each id)
        String window = "SELECT o.id, o.event_key, o.created_at FROM " + table + " o WHERE o.status = " + q(PENDING)
                + " AND o.next_attempt_at <= now() AND " + partitionOf("o") + " = ANY(?::int[])"
                + " AND o.id NOT IN (SELECT unnest(?::bigint[]))"
                + " AND (o.event_key IS NULL OR o.event_key NOT IN (SELECT event_key FROM held)) ORDER BY o.id LIMIT ?";
        // the oldest row of each key in the window (every keyless row), recorded in the claim journal; read
        // again by id and creation time, so that on a time-partitioned table each row is looked for in its
        // own partition only (run-time pruning), not in every partition
        String claim = "WITH " + held + ", win AS (" + window + "),"
                + " picked AS (SELECT DISTINCT ON (event_key, CASE WHEN event_key IS NULL THEN id END) id, created_at"
                + " FROM win ORDER BY event_key, CASE WHEN event_key IS NULL THEN id END, id),"
                + " journal AS (INSERT INTO " + claims + " (owner, row_ids) SELECT ?, array_agg(id ORDER BY id) FROM picked"
                + " HAVING count(*) > 0 RETURNING id)"
                + " SELECT " + COLUMNS.replace(", ", ", o.").replaceFirst("^", "o.") + ", " + partitionOf("o")
                + ", (SELECT id FROM journal) FROM picked p JOIN " + table + " o ON o.id = p.id AND o.created_at = p.created_at"
                + " ORDER BY o.id";
        // lost: its instance is no longer alive and holds no partition (all taken over or freed), so a
        // paused instance's batches are counted only once its partitions changed hands
        String lostClaims = "SELECT c.id, c.row_ids FROM " + claims + " c WHERE NOT EXISTS"
                + " (SELECT 1 FROM " + relays + " r WHERE r.owner = c.owner AND r.expires_at > now())"
                + " AND NOT EXISTS (SELECT 1 FROM " + partitions + " p WHERE p.owner = c.owner)"
                + " ORDER BY c.id LIMIT ? FOR UPDATE SKIP LOCKED";
        return new PartitionLeaseSql(CLAIM_PLAN, claim.replace("{held}", ""), claim.replace("{held}", heldKeys), lostClaims,
                "DELETE FROM " + claims + " WHERE id = ?",
                "INSERT INTO " + relays + " (owner, expires_at) VALUES (?, now() + ?" + MILLIS + ")"
                        + " ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at",
                "SELECT count(*) FROM " + relays + " WHERE expires_at > now()",
                "DELETE FROM " + relays + " WHERE owner = ? OR expires_at < now() - interval '1 hour'",
                "UPDATE " + partitions + " SET expires_at = now() + ?" + MILLIS + " WHERE owner = ? RETURNING partition, epoch",
                "UPDATE " + partitions + " SET owner = ?, epoch = epoch + 1, expires_at = now() + ?" + MILLIS
                        + " WHERE partition = ANY(ARRAY(SELECT partition FROM " + partitions
                        + " WHERE owner IS NULL OR expires_at IS NULL OR expires_at <= now()"
                        + " ORDER BY partition LIMIT ? FOR UPDATE SKIP LOCKED)) RETURNING partition, epoch",
                "UPDATE " + partitions + " SET owner = NULL, expires_at = NULL WHERE owner = ? AND partition = ANY(?::int[])",
                "SELECT partition, epoch FROM " + partitions + " WHERE owner = ? AND partition = ANY(?::int[]) FOR SHARE",
                "SELECT partition, CASE WHEN expires_at > now() THEN owner END, epoch FROM " + partitions
                        + " ORDER BY partition");
    }

    private static String claimInKeyOrder(String table, boolean holding) {
        return "UPDATE " + table + " SET status = " + q(SENDING) + ", lease_owner = ?,"
                + " lease_expires_at = now() + ?" + MILLIS + ", updated_at = now()"
                + " WHERE id = ANY(ARRAY(SELECT o.id FROM " + table + " o" + oldestOfTheirKeys(table, holding)
                + " ORDER BY o.id LIMIT ? FOR UPDATE OF o SKIP LOCKED))"
                + guard(SENDING) + " RETURNING " + COLUMNS;
    }

    private static String lockInKeyOrder(String table, boolean holding) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ANY(ARRAY(SELECT o.id FROM "
                + table + " o" + oldestOfTheirKeys(table, holding) + " ORDER BY o.id LIMIT ? FOR UPDATE OF o SKIP LOCKED))";
    }

    /**
     * Rows among the window's oldest due pending ones whose key has no earlier pending or sending
     * row (or that have no key): parameter window. When {@code holding}, nor an earlier dead row that
     * holds its key while its type holds keys (the held index: only such rows are in it): then a
     * second parameter, the key-holding types (text[]).
     */
    private static String oldestOfTheirKeys(String table, boolean holding) {
        return " WHERE o.id = ANY(ARRAY(SELECT id FROM " + table + " WHERE status = " + q(PENDING)
                + " AND next_attempt_at <= now() ORDER BY id LIMIT ?))"
                + " AND o.status = " + q(PENDING) + " AND o.next_attempt_at <= now()"
                + " AND (o.event_key IS NULL OR (NOT EXISTS (SELECT 1 FROM " + table + " p"
                + " WHERE p.event_key = o.event_key AND p.id < o.id"
                + " AND p.status IN (" + list(Set.of(PENDING, SENDING)) + "))"
                + (holding ? " AND NOT EXISTS (SELECT 1 FROM " + table + " h WHERE h.holds_key"
                        + " AND h.event_key = o.event_key AND h.id < o.id AND h.event_type = ANY(?::text[]))" : "")
                + "))";
    }

    /** {@code AND status NOT IN (...)}: the row is in a state from which {@code target} may be reached. */
    private static String guard(OutboxState target) {
        return " AND " + inStates("status", OutboxState.sourcesOf(target));
    }

    /**
     * {@code column} holds one of {@code states}, written as "none of the others" (the CHECK
     * constraint closes the set) so that it implies no partial index's predicate: a statement that
     * names its rows by id then goes by the primary key. Written as {@code status IN ('pending',
     * 'sending')}, it let the planner AND the ids with the whole key-order index (predicate
     * {@code status IN ('pending', 'sending')}) whenever its statistics were taken while few rows
     * were pending: a settlement of 500 rows read all 1.65 M pending entries, 394 ms against 12 ms
     * (EXPLAIN ANALYZE, sustained 15,000 events/s, autovacuum's ANALYZE behind).
     */
    private static String inStates(String column, Set<OutboxState> states) {
        return column + " NOT IN (" + list(EnumSet.complementOf(EnumSet.copyOf(states))) + ")";
    }

    @Override
    public String columns() {
        return COLUMNS;
    }

    @Override
    public String insert(int rows) {
        StringBuilder sql = new StringBuilder(insertPrefix.length() + rows * (INSERT_ROW.length() + 2));
        sql.append(insertPrefix);
        for (int row = 0; row < rows; row++) {
            sql.append(row == 0 ? "" : ", ").append(INSERT_ROW);
        }
        return sql.toString();
    }

    String insertIgnoringDuplicates(int rows) {
        return insert(rows) + " ON CONFLICT (event_id) DO NOTHING";
    }

    /**
     * No conflict target: on a time-partitioned outbox (no unique index on event_id over the whole
     * table, one per partition) PostgreSQL accepts only this form. It would also pass over a row
     * whose id conflicts, so the caller checks that every row not written is in the table
     * ({@link #presentEventIds()}).
     */
    String insertReturningNew(int rows) {
        return insert(rows) + " ON CONFLICT DO NOTHING RETURNING id, event_id";
    }

    /** Which of these event ids (uuid[]) are in the table. */
    String presentEventIds() {
        return "SELECT event_id FROM " + table + " WHERE event_id = ANY(?)";
    }

    String deleteByEventIds() {
        return deleteByEventIds;
    }

    String claim() {
        return claim;
    }

    String claimInKeyOrder(boolean holding) {
        return holding ? claimInKeyOrderHolding : claimInKeyOrder;
    }

    String lock() {
        return lock;
    }

    String lockInKeyOrder(boolean holding) {
        return holding ? lockInKeyOrderHolding : lockInKeyOrder;
    }

    String deleteLockedPublished() {
        return deleteLockedPublished;
    }

    String deletePublished() {
        return deletePublished;
    }

    @Override
    public String anyDuePending() {
        return anyDuePending;
    }

    String markLockedPublished() {
        return markLockedPublished;
    }

    /** {@link #markLockedPublished()} with each row named by id and creation time: ids (bigint[]), times (text[], ISO). */
    String markLockedPublishedByRow() {
        return markLockedPublishedByRow;
    }

    /** {@link #deleteLockedPublished()} with each row named by id and creation time, as {@link #markLockedPublishedByRow()}. */
    String deleteLockedPublishedByRow() {
        return deleteLockedPublishedByRow;
    }

    /** Settles a row-lock batch's published rows with its claim record, and commits: record id, then row ids. */
    String settleLockedAndCommit(boolean delete) {
        return delete ? settleLockedDeleted : settleLockedPublished;
    }

    /** Removes a claim record (record id), and commits. */
    String forgetClaimAndCommit() {
        return forgetClaimAndCommit;
    }

    String markLockedFailed() {
        return markLockedFailed;
    }

    String markPublished() {
        return markPublished;
    }

    String markFailed() {
        return markFailed;
    }

    @Override
    public String markDead() {
        return markDead;
    }

    @Override
    public String lockByEventId() {
        return lockByEventId;
    }

    @Override
    public String markConsumed() {
        return markConsumed;
    }

    String reclaimExpired() {
        return reclaimExpired;
    }

    String release() {
        return release;
    }

    String renew() {
        return renew;
    }

    String deleteFinished() {
        return deleteFinished;
    }

    /**
     * Retention's delete of delivered rows of {@code table}, in id order from a cursor (the last id
     * the pass deleted): each batch starts where the last one ended instead of walking the row
     * versions every earlier batch deleted, which only vacuum removes. Parameters: the first id, the
     * age in milliseconds, the batch size; returns the count and the highest id deleted.
     */
    static String deleteFinished(String table) {
        return "WITH deleted AS (DELETE FROM " + table + " WHERE id = ANY(ARRAY(SELECT id FROM " + table
                + " WHERE id >= ? AND status IN (" + list(Set.of(PUBLISHED, CONSUMED, DISCARDED)) + ")"
                + " AND updated_at < now() - ?" + MILLIS + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)) RETURNING id)"
                + " SELECT count(*), max(id) FROM deleted";
    }

    @Override
    public String countByState() {
        return countByState;
    }

    @Override
    public String countUndelivered() {
        return countUndelivered;
    }

    @Override
    public String whyNotVacuumed() {
        return whyNotVacuumed;
    }

    @Override
    public String oldestUndeliveredAge() {
        return oldestUndeliveredAge;
    }

    @Override
    public String nextDueIn() {
        return nextDueIn;
    }

    @Override
    public String anyRetryWaiting() {
        return anyRetryWaiting;
    }

    @Override
    public String anyKeyHeld() {
        return anyKeyHeld;
    }

    @Override
    public String findByEventId() {
        return findByEventId;
    }

    @Override
    public String findById() {
        return findById;
    }

    /**
     * Counts the attempt of a lost row-lock claim for each of its rows still pending that no one
     * holds (dead at max attempts, holding its key when its type holds keys): key-holding types,
     * the error, row ids. Answers the ids counted.
     */
    String countLostClaim() {
        return countLostClaim;
    }

    /** Whether any of the rows is pending: row ids. */
    String anyPendingOf() {
        return anyPendingOf;
    }

    /** The statements of partition-leased claims. */
    PartitionLeaseSql partitionLeases() {
        return partitionLeases;
    }

    @Override
    public ClaimJournalSql claimJournal() {
        return claimJournal;
    }

    @Override
    public String idleFacts(boolean holdsKeys) {
        return holdsKeys ? idleFactsHoldingKeys : idleFactsHoldingNoKeys;
    }
}
