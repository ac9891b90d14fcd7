package dev.mailroom.jdbc.dialect;

import static dev.mailroom.jdbc.dialect.SqlText.list;
import static dev.mailroom.jdbc.dialect.SqlText.placeholders;
import static dev.mailroom.jdbc.dialect.SqlText.q;
import static dev.mailroom.state.OutboxState.CONSUMED;
import static dev.mailroom.state.OutboxState.DEAD;
import static dev.mailroom.state.OutboxState.DISCARDED;
import static dev.mailroom.state.OutboxState.PENDING;
import static dev.mailroom.state.OutboxState.PUBLISHED;
import static dev.mailroom.state.OutboxState.SENDING;

import dev.mailroom.routing.TableName;
import dev.mailroom.state.OutboxState;
import java.util.Set;

/**
 * MariaDB statements for one outbox table (kept to what MySQL 8.0 also accepts). Status values and
 * transition guards are rendered from {@link OutboxState}; nothing here comes from user input but
 * the validated table name.
 *
 * <p>Differences from PostgreSQL that shape them: time is {@code UTC_TIMESTAMP(6)} (the columns are
 * {@code DATETIME(6)} in UTC, whatever the session's time zone); there is no {@code RETURNING} on
 * {@code UPDATE} and no {@code LIMIT} in an {@code IN} subquery, so claims lock with {@code SELECT …
 * FOR UPDATE SKIP LOCKED} and change rows by id lists ({@code IN (?, …)}, rendered per size); and a
 * single-table {@code UPDATE} assigns left to right, each assignment seeing the ones before it, so
 * {@code status} is computed before {@code attempts} is raised, and {@code last_error} before the
 * lease owner it quotes is cleared. Settling writes {@code published_time} / {@code consumed_time}
 * (the stored side of the virtual {@code published_at} / {@code consumed_at}), so a delivered row is
 * updated in place (see the table's script, {@code V1__outbox.sql}).
 */
final class MariaDbOutboxSql implements OutboxSql {

    static final String NOW = "UTC_TIMESTAMP(6)";
    /**
     * How old a claim journal record must be before a counter takes it for lost. A claim commits its
     * record on a connection of its own and only then holds it, with its rows locked; a counter that
     * locked the record in that instant and then waited for the rows (InnoDB's {@code SKIP LOCKED}
     * was seen waiting there, error 1213 in {@code RelayRaceMariaDbTest}) deadlocked with the claim,
     * and when InnoDB rolled the claim back the counter counted an attempt for rows never sent. A
     * lost claim is counted this much later instead of by the very next claim; until then a claim
     * that locked rows its record names sends nothing (see {@code RowLocks}). A claim that takes
     * longer than this from its record's insert to its hold can still meet that deadlock.
     */
    static final int UNHELD_CLAIM_GRACE_SECONDS = 2;
    /**
     * Most ids one locking read lists. From 1,000 values on (MariaDB's default
     * {@code in_predicate_conversion_threshold}) an {@code IN} list becomes a table of values joined
     * to the rows and sorted afterwards, so {@code LIMIT} no longer ends the scan: the read locked
     * every listed row, and a relay's second batch in flight found all its candidates held.
     */
    static final int MAX_LOCKING_IDS = 999;
    private static final String PLUS_MILLIS = " + INTERVAL (? * 1000) MICROSECOND";
    private static final String COLUMNS = "id, event_id, event_type, event_key, payload, content_type, headers,"
            + " tenant_id, correlation_id, event_version, status, attempts, max_attempts, next_attempt_at,"
            + " last_error, lease_owner, lease_expires_at, created_at, published_at, consumed_at, updated_at, holds_key";
    private static final String INSERT_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL, updated_at = " + NOW;
    /** Whether a row's type is among the key-holding types (a parameter: a JSON array of strings). */
    private static final String KEY_HOLDING_TYPE = "JSON_CONTAINS(?, JSON_QUOTE(event_type))";
    /**
     * The next status after a failed attempt, read before {@code attempts} is raised; a row going
     * dead holds its key when its type holds keys (parameter: the key-holding types).
     */
    private static final String AFTER_FAILED_ATTEMPT = "status = CASE WHEN attempts + 1 >= max_attempts THEN "
            + q(DEAD) + " ELSE " + q(PENDING) + " END, holds_key = (status = " + q(DEAD) + " AND " + KEY_HOLDING_TYPE
            + "), attempts = attempts + 1";
    private static final String DUE_PENDING = "status = " + q(PENDING) + " AND next_attempt_at <= " + NOW;

    private final String table;
    private final String insertPrefix;
    private final String lock;
    private final String keyOrderedCandidates;
    private final String keyOrderedCandidatesHolding;
    private final String anyKeyHeld;
    private final String markFailed;
    private final String markLockedFailed;
    private final String expiredLeases;
    private final String finishedRows;
    private final String markDead;
    private final String lockByEventId;
    private final String markConsumed;
    private final String countByState;
    private final String countUndelivered;
    private final String oldestUndeliveredAge;
    private final String nextDueIn;
    private final String anyRetryWaiting;
    private final String anyDuePending;
    private final String findByEventId;
    private final String findById;
    private final ClaimJournalSql claimJournal;

    MariaDbOutboxSql(TableName tableName) {
        this.table = tableName.qualified();
        this.insertPrefix = "INSERT INTO " + table + " (event_id, event_type, event_key, payload, content_type,"
                + " headers, tenant_id, correlation_id, event_version, max_attempts) VALUES ";
        this.lock = "SELECT " + COLUMNS + " FROM " + pendingInIdOrder(tableName) + " WHERE " + DUE_PENDING
                + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
        this.keyOrderedCandidates = keyOrderedCandidates(tableName, false);
        this.keyOrderedCandidatesHolding = keyOrderedCandidates(tableName, true);
        this.anyKeyHeld = "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE status = " + q(DEAD) + " AND holds_key AND "
                + KEY_HOLDING_TYPE + ")";
        this.markFailed = "UPDATE " + table + " SET " + AFTER_FAILED_ATTEMPT + ", next_attempt_at = " + NOW
                + PLUS_MILLIS + ", last_error = ?, " + CLEAR_LEASE + " WHERE id = ?"
                + onNamedRows("attempts = ? AND status IN (" + list(OutboxState.sourcesOfBoth(PENDING, DEAD)) + ")")
                + " AND lease_owner = ?";
        // a failed row-locked attempt never left pending: it stays there (or goes dead at max attempts)
        this.markLockedFailed = "UPDATE " + table + " SET " + AFTER_FAILED_ATTEMPT + ", next_attempt_at = " + NOW
                + PLUS_MILLIS + ", last_error = ?, updated_at = " + NOW + " WHERE id = ?" + onNamedRows("status = " + q(PENDING));
        // a row a SQL producer inserted as 'sending' without a lease counts as expired
        this.expiredLeases = "SELECT id FROM " + table + " WHERE status = " + q(SENDING) + " AND (lease_expires_at < "
                + NOW + " OR lease_expires_at IS NULL) ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED";
        this.finishedRows = "SELECT id FROM " + table + " WHERE id >= ? AND status IN ("
                + list(Set.of(PUBLISHED, CONSUMED, DISCARDED)) + ")"
                + " AND updated_at < " + NOW + " - INTERVAL (? * 1000) MICROSECOND ORDER BY id LIMIT ?"
                + " FOR UPDATE SKIP LOCKED";
        this.markDead = "UPDATE " + table + " SET status = " + q(DEAD) + ", holds_key = " + KEY_HOLDING_TYPE
                + ", last_error = ?, " + CLEAR_LEASE
                + " WHERE id = ?" + guard(DEAD) + " AND (? IS NULL OR lease_owner = ?)";
        this.lockByEventId = "SELECT status FROM " + table + " WHERE event_id = ? FOR UPDATE";
        this.markConsumed = "UPDATE " + table + " SET status = " + q(CONSUMED) + ", consumed_time = " + NOW + ", "
                + CLEAR_LEASE + " WHERE event_id = ?" + guard(CONSUMED);
        this.countByState = "SELECT status, COUNT(*) FROM " + table + " GROUP BY status";
        // a range of the status index: the delivered history is never read
        this.countUndelivered = "SELECT COUNT(*) FROM " + table + " WHERE status IN (" + q(PENDING) + ", " + q(SENDING) + ")";
        this.oldestUndeliveredAge = "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(created), " + NOW + ") / 1000000 FROM ("
                + "(SELECT created_at AS created FROM " + table + " WHERE status = " + q(PENDING)
                + " ORDER BY id LIMIT 1) UNION ALL (SELECT MIN(created_at) FROM " + table
                + " WHERE status = " + q(SENDING) + ")) oldest";
        // LEAST is null when either side is: each side stands in for the other when missing. A retry that fell due
        // in the last second counts (as due now): UTC_TIMESTAMP is per statement, not per transaction as PostgreSQL's
        // now(), so one that fell due after the claim that found nothing would be in neither answer, and the caller
        // would sleep its idle wait; one held back longer by an earlier row of its key no longer counts
        this.nextDueIn = "SELECT TIMESTAMPDIFF(MICROSECOND, " + NOW + ", LEAST(COALESCE(retry, lease), COALESCE(lease, retry)))"
                + " / 1000000 FROM (SELECT (SELECT MIN(next_attempt_at) FROM " + table + " WHERE status = " + q(PENDING)
                + " AND next_attempt_at > " + NOW + " - INTERVAL 1 SECOND AND attempts > 0) AS retry,"
                + " (SELECT MIN(COALESCE(lease_expires_at, " + NOW + ")) FROM " + table + " WHERE status = "
                + q(SENDING) + ") AS lease) due";
        this.anyRetryWaiting = "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE status = " + q(PENDING)
                + " AND next_attempt_at > " + NOW + " AND attempts > 0)";
        this.anyDuePending = "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE " + DUE_PENDING + ")";
        this.findByEventId = "SELECT " + COLUMNS + " FROM " + table + " WHERE event_id = ?";
        this.findById = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
        String claims = table + "_claims";
        this.claimJournal = new ClaimJournalSql("INSERT INTO " + claims + " (row_ids) VALUES (?)", null,
                "SELECT id FROM " + claims + " WHERE id = ? FOR UPDATE", "DELETE FROM " + claims + " WHERE id = ?",
                "SELECT id, row_ids FROM " + claims + " WHERE created_at < " + NOW + " - INTERVAL "
                        + UNHELD_CLAIM_GRACE_SECONDS + " SECOND ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
                "SELECT id FROM " + claims + " WHERE JSON_OVERLAPS(row_ids, ?) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
    }

    /**
     * The status index read in id order: with a backlog as large as the delivered history, the
     * optimizer otherwise walks the primary key from the oldest row and reads the whole history to
     * claim a batch.
     */
    private static String pendingInIdOrder(TableName tableName) {
        return tableName.qualified() + " FORCE INDEX (" + tableName.name() + "_status_idx)";
    }

    /**
     * A plain (not locking) read: rows other claimers hold locked still count as earlier rows of their key.
     * The window starts at the oldest pending row: without that bound the optimizer may walk the primary key
     * from the table's first row through every delivered row kept before the backlog (measured: 80,000 reads
     * per claim with 100,000 rows published). Every due pending row older than a window row is in the window,
     * so a row is the oldest undelivered of its key when it is its key's first in the window (ROW_NUMBER) and
     * no pending row waiting for a retry nor a sending row of its key is older. Those two probes run only while
     * such rows exist at all (an uncorrelated EXISTS, read once per statement; OR stops at the first true), and
     * each is an equality on (event_key, status) of the key-order index: an IN over the states lets the
     * optimizer settle for the key alone and walk the key's delivered history. The pending probe reads the
     * key's first pending row (ORDER BY id LIMIT 1, one index entry): NOT EXISTS an earlier one cannot bound
     * the index lookup by id and read all of a key's pending rows (200,000 reads per claim of a 200,000
     * backlog over 1,000 keys, now 2,000, and a third less time than one probe per window row).
     *
     * <p>When {@code holding}, a row is not a candidate either while an earlier dead row of its key
     * holds the key and its type holds keys: one more equality probe on (event_key, status), reading
     * the key's dead rows only (forced: with few dead rows the optimizer picks the status index,
     * which reads every key's dead rows once there are many) (parameters: window, key-holding types,
     * limit).
     */
    private static String keyOrderedCandidates(TableName tableName, boolean holding) {
        String table = tableName.qualified();
        return "SELECT r.id FROM (SELECT w.id, w.event_key, ROW_NUMBER() OVER (PARTITION BY"
                + " w.event_key ORDER BY w.id) AS nth FROM (SELECT id, event_key FROM " + pendingInIdOrder(tableName)
                + " WHERE " + DUE_PENDING
                + " AND id >= (SELECT MIN(id) FROM " + table + " WHERE status = " + q(PENDING) + ")"
                + " ORDER BY id LIMIT ?) w) r WHERE r.event_key IS NULL OR (r.nth = 1"
                + " AND (NOT EXISTS (SELECT 1 FROM " + table + " WHERE status = " + q(PENDING) + " AND next_attempt_at > "
                + NOW + ") OR r.id = (SELECT p.id FROM " + table + " p WHERE p.event_key = r.event_key AND p.status = "
                + q(PENDING) + " ORDER BY p.id LIMIT 1))"
                + " AND (NOT EXISTS (SELECT 1 FROM " + table + " WHERE status = " + q(SENDING) + ") OR NOT EXISTS (SELECT 1"
                + " FROM " + table + " p WHERE p.event_key = r.event_key AND p.status = " + q(SENDING)
                + " AND p.id < r.id))"
                + (holding ? " AND NOT EXISTS (SELECT 1 FROM " + table + " h FORCE INDEX (" + tableName.name()
                        + "_key_order_idx) WHERE h.event_key = r.event_key AND h.status = "
                        + q(DEAD) + " AND h.id < r.id AND h.holds_key AND JSON_CONTAINS(?, JSON_QUOTE(h.event_type)))" : "")
                + ") ORDER BY r.id LIMIT ?";
    }

    /** {@code AND status IN (...)}: the states from which {@code target} may be reached, for rows named by id. */
    private static String guard(OutboxState target) {
        return onNamedRows("status IN (" + list(OutboxState.sourcesOf(target)) + ")");
    }

    /**
     * A statement's condition on the rows it names by id, written so the optimizer cannot use it to
     * choose an index. Measured: {@code UPDATE … WHERE id IN (35, 36, 37) AND status IN (…)} ran on
     * the retry index's range ({@code EXPLAIN}), and such a range scan waits for the lock on the
     * index record after the range, held by another batch of the same relay: two batches in flight
     * waited on each other until {@code max_statement_time} ended one (45 s, seen in the demo).
     * With the condition wrapped, every statement that names its rows goes by the primary key and
     * touches only them. ({@code FORCE INDEX} is refused in a MariaDB {@code DELETE}.)
     */
    private static String onNamedRows(String condition) {
        return " AND (" + condition + ") IS TRUE";
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

    /** A duplicate of any unique key (the event id) leaves the stored row as it is; other errors still fail. */
    String insertIgnoringDuplicates(int rows) {
        return insert(rows) + " ON DUPLICATE KEY UPDATE id = id";
    }

    /** The event ids among {@code count} given that are present. */
    String presentEventIds(int count) {
        return "SELECT event_id FROM " + table + " WHERE event_id IN " + placeholders(count);
    }

    /** Parameters: event ids. */
    String deleteByEventIds(int count) {
        return "DELETE FROM " + table + " WHERE event_id IN " + placeholders(count);
    }

    /** Locks due pending rows in id order: limit. */
    String lock() {
        return lock;
    }

    /**
     * Ids of due pending rows, among the window's oldest, that are the oldest undelivered row of
     * their key (or have none), at most a limit of them: window, limit. Not locking: see
     * {@link #lockDueByIds}.
     */
    String keyOrderedCandidates(boolean holding) {
        return holding ? keyOrderedCandidatesHolding : keyOrderedCandidates;
    }

    /**
     * Locks the first of the ids that are still due pending rows, skipping rows other claimers hold
     * (the limit counts only rows locked here): ids, limit.
     */
    String lockDueByIds(int count) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE id IN " + placeholders(count) + onNamedRows(DUE_PENDING)
                + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    /** Leases locked rows: owner, lease millis, ids. */
    String lease(int count) {
        return "UPDATE " + table + " SET status = " + q(SENDING) + ", lease_owner = ?, lease_expires_at = " + NOW
                + PLUS_MILLIS + ", updated_at = " + NOW + " WHERE id IN " + placeholders(count) + guard(SENDING);
    }

    /** Rows by id: ids. */
    String rowsByIds(int count) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE id IN " + placeholders(count);
    }

    /** Marks rows published: ids, then the lease owner unless {@code locked} (rows this transaction locked). */
    String markPublished(int count, boolean locked) {
        return "UPDATE " + table + " SET status = " + q(PUBLISHED) + ", published_time = " + NOW + ", "
                + (locked ? "updated_at = " + NOW : CLEAR_LEASE) + " WHERE id IN " + placeholders(count)
                + guard(PUBLISHED) + (locked ? "" : " AND lease_owner = ?");
    }

    /** Deletes acknowledged rows: ids, then the lease owner unless {@code locked}. */
    String deletePublished(int count, boolean locked) {
        return "DELETE FROM " + table + " WHERE id IN " + placeholders(count) + guard(PUBLISHED)
                + (locked ? "" : " AND lease_owner = ?");
    }

    /** One failed leased attempt: delay millis, error, id, attempts seen at the claim, lease owner. */
    String markFailed() {
        return markFailed;
    }

    /** One failed row-locked attempt: delay millis, error, id. */
    String markLockedFailed() {
        return markLockedFailed;
    }

    /** Locks the ids of expired leases: limit. */
    String expiredLeases() {
        return expiredLeases;
    }

    /** Returns locked expired leases to pending (dead at max attempts), counting an attempt: ids. */
    String reclaim(int count) {
        return "UPDATE " + table + " SET " + AFTER_FAILED_ATTEMPT + ", last_error = CONCAT('lease of ',"
                + " COALESCE(lease_owner, 'unknown'), ' expired before the delivery was recorded'),"
                + " next_attempt_at = " + NOW + ", " + CLEAR_LEASE + " WHERE id IN " + placeholders(count)
                + onNamedRows("status = " + q(SENDING));
    }

    /** Returns leased rows to pending: ids, lease owner. */
    String release(int count) {
        return "UPDATE " + table + " SET status = " + q(PENDING) + ", " + CLEAR_LEASE + " WHERE id IN "
                + placeholders(count) + guard(PENDING) + " AND lease_owner = ?";
    }

    /** Extends leases: lease millis, ids, lease owner. */
    String renew(int count) {
        return "UPDATE " + table + " SET lease_expires_at = " + NOW + PLUS_MILLIS + ", updated_at = " + NOW
                + " WHERE id IN " + placeholders(count) + onNamedRows("status = " + q(SENDING)) + " AND lease_owner = ?";
    }

    /** Locks the ids of published, consumed and discarded rows last changed before the age: age millis, limit. */
    String finishedRows() {
        return finishedRows;
    }

    /** Deletes rows by id: ids. */
    String deleteByIds(int count) {
        return "DELETE FROM " + table + " WHERE id IN " + placeholders(count);
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

    @Override
    public String countByState() {
        return countByState;
    }

    @Override
    public String countUndelivered() {
        return countUndelivered;
    }

    /** InnoDB's purge removes old row versions by itself; nothing to switch on. */
    @Override
    public String whyNotVacuumed() {
        return "SELECT NULL";
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
    public String anyDuePending() {
        return anyDuePending;
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

    /** Locks the rows among the ids that are pending, skipping rows another claimer holds: ids. */
    String lockPendingByIds(int count) {
        return "SELECT id FROM " + table + " WHERE id IN " + placeholders(count) + onNamedRows("status = " + q(PENDING))
                + " FOR UPDATE SKIP LOCKED";
    }

    /**
     * Counts the attempt of a lost row-lock claim for locked pending rows (dead at max attempts,
     * holding its key when its type holds keys): key-holding types, the error, ids.
     */
    String countLostClaim(int count) {
        return "UPDATE " + table + " SET " + AFTER_FAILED_ATTEMPT + ", last_error = ?, next_attempt_at = " + NOW
                + ", updated_at = " + NOW + " WHERE id IN " + placeholders(count) + onNamedRows("status = " + q(PENDING));
    }

    /** Whether any of the rows is pending: ids. */
    String anyPendingOf(int count) {
        return "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE id IN " + placeholders(count) + " AND status = "
                + q(PENDING) + ")";
    }

    @Override
    public ClaimJournalSql claimJournal() {
        return claimJournal;
    }
}
