package dev.mailroom.jdbc.operator;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.dialect.OperatorSql;
import dev.mailroom.jdbc.dialect.OperationsSql;
import dev.mailroom.jdbc.dialect.RelayTransaction;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.jdbc.internal.Transactions;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.TableName;
import dev.mailroom.state.OutboxState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The operator's side of one outbox (or inbox) table: search and read rows, and the moves an
 * operator makes on dead ones ({@link OperatorMove}: replay, discard, skip a held key), each with a
 * preview of what it would change and, when made, an audit record in the same transaction. Every
 * move is guarded by the state it takes rows from, so it is idempotent and safe while relays run:
 * a relay never touches a dead row, and a move never touches a row that is not dead. After a replay
 * or a skip the table's relays are woken (PostgreSQL {@code NOTIFY}; relays on MariaDB poll).
 *
 * <p>Searches filter on columns most of which have no index: on a large table they read it whole.
 */
public final class OperatorStore {

    /** Rows a move by filter changes per statement. */
    static final int CHUNK = 500;
    /** The session Mailroom's own transactions get (MariaDB: READ COMMITTED), without a relay's timeouts. */
    private static final RelayTransaction PLAIN_SESSION = new RelayTransaction(false, false, null);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final String target;
    private final String wakeChannel;
    private final OperatorSql sql;
    private final OperationsSql shared;
    private final OutboxStore rows;

    private OperatorStore(DataSource dataSource, SqlDialect dialect, TableName table, String target,
                          String wakeChannel) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.target = target;
        this.wakeChannel = wakeChannel;
        this.sql = dialect.operator(table);
        this.shared = dialect.operations();
        this.rows = OutboxStore.create(dataSource, dialect, table, RetryPolicy.defaults());
    }

    /**
     * @param target      what the audit trail names this table by, such as {@code outbox:orders}
     * @param wakeChannel the channel the table's relays listen on ({@code ServiceRoute.notifyChannel()}),
     *                    or null
     */
    public static OperatorStore create(DataSource dataSource, SqlDialect dialect, TableName table, String target,
                                       String wakeChannel) {
        Arguments.requireNonNull(dataSource, "dataSource");
        Arguments.requireNonNull(dialect, "dialect");
        Arguments.requireNonNull(table, "table");
        Arguments.requireNonNull(target, "target");
        return new OperatorStore(dataSource, dialect, table, target, wakeChannel);
    }

    public TableName table() {
        return table;
    }

    /** What the audit trail names this table by. */
    public String target() {
        return target;
    }

    /** A page of the rows matching {@code filter}, with the cursor of the next page. */
    public MessagePage search(MessageFilter filter, PageRequest page) {
        Arguments.requireNonNull(filter, "filter");
        Arguments.requireNonNull(page, "page");
        Conditions where = Conditions.of(sql, filter, page.after(), page.newestFirst());
        return read("search", connection -> {
            List<MessageSummary> found = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(sql.search(where.sql(), page.newestFirst()))) {
                int index = where.bind(dialect, statement, 1);
                statement.setInt(index, page.limit() + 1);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        found.add(summary(rs));
                    }
                }
            }
            boolean more = found.size() > page.limit();
            List<MessageSummary> items = more ? found.subList(0, page.limit()) : found;
            return new MessagePage(items, more ? items.get(items.size() - 1).id() : null);
        });
    }

    /** How many rows match {@code filter} (reads every matching row; a whole large table for a broad filter). */
    public long count(MessageFilter filter) {
        Arguments.requireNonNull(filter, "filter");
        Conditions where = Conditions.of(sql, filter, null, false);
        return read("count", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.count(where.sql()))) {
                where.bind(dialect, statement, 1);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** One row in full, payload and headers included. */
    public Optional<OutboxRow> find(long id) {
        return rows.find(id);
    }

    /** The row of an event id, in full. */
    public Optional<OutboxRow> find(UUID eventId) {
        Arguments.requireNonNull(eventId, "eventId");
        return rows.find(eventId);
    }

    /** What {@link #apply} would change now: how many rows and the first of their ids. Changes nothing. */
    public MovePreview preview(OperatorMove move, Selection selection) {
        Arguments.requireNonNull(move, "move");
        Arguments.requireNonNull(selection, "selection");
        return read("preview " + move.action(), connection -> {
            if (selection instanceof Selection.ByIds byIds) {
                List<Long> movable = deadAmong(connection, byIds.ids(), move == OperatorMove.SKIP);
                return new MovePreview(move, movable.size(), movable.subList(0, Math.min(MovePreview.SHOWN, movable.size())));
            }
            MessageFilter filter = movable(move, ((Selection.ByFilter) selection).filter());
            if (filter == null) {
                return new MovePreview(move, 0, List.of());
            }
            Conditions where = Conditions.of(sql, filter, null, false);
            long count;
            try (PreparedStatement statement = connection.prepareStatement(sql.count(where.sql()))) {
                where.bind(dialect, statement, 1);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    count = rs.getLong(1);
                }
            }
            return new MovePreview(move, count, idsAfter(connection, filter, null, MovePreview.SHOWN));
        });
    }

    /**
     * Makes the move on the selected rows that are dead (and, for a skip, hold their key), in one
     * transaction with its audit record; rows in any other state are left alone, so running it
     * twice changes nothing the second time.
     */
    public MoveResult apply(OperatorMove move, Selection selection, Actor actor) {
        Arguments.requireNonNull(move, "move");
        Arguments.requireNonNull(selection, "selection");
        Arguments.requireNonNull(actor, "actor");
        return write(move.action(), connection -> {
            int changed = 0;
            if (selection instanceof Selection.ByIds byIds) {
                for (int from = 0; from < byIds.ids().size(); from += CHUNK) {
                    changed += move(connection, move, byIds.ids().subList(from, Math.min(byIds.ids().size(), from + CHUNK)));
                }
            } else {
                MessageFilter filter = movable(move, ((Selection.ByFilter) selection).filter());
                Long after = null;
                List<Long> chunk;
                while (filter != null && !(chunk = idsAfter(connection, filter, after, CHUNK)).isEmpty()) {
                    changed += move(connection, move, chunk);
                    after = chunk.get(chunk.size() - 1);
                }
            }
            long auditId = AuditLog.record(connection, shared, actor, move.action(), target,
                    SelectionJson.of(selection), changed);
            if (changed > 0 && move != OperatorMove.DISCARD) {
                wakeRelays(connection);
            }
            return new MoveResult(move, changed, auditId);
        });
    }

    /** Dead rows holding their keys, oldest first, with the pending rows waiting behind each. */
    public List<HeldKey> heldKeys(int limit) {
        if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
            throw new InvalidFilterException("limit", limit + " is outside 1.." + PageRequest.MAX_LIMIT);
        }
        return read("held keys", connection -> {
            List<HeldKey> held = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(sql.heldKeys())) {
                statement.setInt(1, limit);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        held.add(new HeldKey(rs.getLong(1), dialect.getUuid(rs, 2), rs.getString(3), rs.getString(4),
                                rs.getString(5), dialect.getInstant(rs, 6), rs.getLong(7)));
                    }
                }
            }
            return held;
        });
    }

    /** Pending rows that failed at least once: retrying. */
    public long retrying() {
        return read("retrying", connection -> single(connection, sql.retrying()));
    }

    /** Dead rows that hold back their keys. */
    public long holding() {
        return read("holding", connection -> single(connection, sql.holding()));
    }

    /** The filter narrowed to the rows the move takes, or null when it can match none. */
    private static MessageFilter movable(OperatorMove move, MessageFilter filter) {
        if (!filter.states().isEmpty() && !filter.states().contains(move.from())) {
            return null;
        }
        MessageFilter dead = filter.withStates(EnumSet.of(move.from()));
        return move == OperatorMove.SKIP ? dead.withHoldingOnly() : dead;
    }

    private int move(Connection connection, OperatorMove move, List<Long> ids) throws SQLException {
        String statementSql = switch (move) {
            case REPLAY -> sql.replay(ids.size());
            case DISCARD -> sql.discard(ids.size());
            case SKIP -> sql.skip(ids.size());
        };
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            bindIds(statement, 1, ids);
            return statement.executeUpdate();
        }
    }

    private List<Long> deadAmong(Connection connection, List<Long> ids, boolean holdingOnly) throws SQLException {
        List<Long> dead = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            try (PreparedStatement statement = connection.prepareStatement(sql.deadAmong(chunk.size(), holdingOnly))) {
                bindIds(statement, 1, chunk);
                dead.addAll(longs(statement));
            }
        }
        return dead;
    }

    private List<Long> idsAfter(Connection connection, MessageFilter filter, Long after, int limit) throws SQLException {
        Conditions where = Conditions.of(sql, filter, after, false);
        try (PreparedStatement statement = connection.prepareStatement(sql.ids(where.sql()))) {
            statement.setInt(where.bind(dialect, statement, 1), limit);
            return longs(statement);
        }
    }

    private void wakeRelays(Connection connection) throws SQLException {
        String wake = shared.wakeRelays();
        if (wake == null || wakeChannel == null) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(wake)) {
            statement.setString(1, wakeChannel);
            statement.execute();
        }
    }

    private MessageSummary summary(ResultSet rs) throws SQLException {
        return new MessageSummary(rs.getLong(1), dialect.getUuid(rs, 2), rs.getString(3), rs.getString(4),
                OutboxState.fromDbValue(rs.getString(5)), rs.getInt(6), rs.getInt(7), dialect.getInstant(rs, 8),
                rs.getString(9), dialect.getInstant(rs, 10), dialect.getInstant(rs, 11), rs.getBoolean(12),
                rs.getString(13), rs.getString(14), rs.getLong(15));
    }

    private static long single(Connection connection, String query) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> longs(PreparedStatement statement) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }

    private static void bindIds(PreparedStatement statement, int index, List<Long> ids) throws SQLException {
        for (long id : ids) {
            statement.setLong(index++, id);
        }
    }

    private <T> T read(String operation, Transactions.SqlWork<T> work) {
        return write(operation, work);
    }

    /** One transaction with the store's session settings (MariaDB: READ COMMITTED), run again after a conflict. */
    private <T> T write(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransactionRetryingConflicts(dataSource, dialect,
                    connection -> dialect.beginRelayTransaction(connection, PLAIN_SESSION), work);
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, table.qualified(), operation, e);
        }
    }
}
