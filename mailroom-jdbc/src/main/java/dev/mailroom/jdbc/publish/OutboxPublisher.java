package dev.mailroom.jdbc.publish;

import dev.mailroom.internal.Arguments;
import dev.mailroom.event.EventValidator;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.event.PublishLimits;
import dev.mailroom.jdbc.DuplicateEventException;
import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.EventBinder;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.ForeignEventTypeException;
import dev.mailroom.routing.Route;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.routing.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records events in the outbox inside the caller's transaction. It writes with the caller's
 * {@link Connection} and never commits, rolls back or changes auto-commit: if the caller's
 * transaction rolls back, nothing is published; when it commits, the rows are there and the
 * service's relay is woken (PostgreSQL: a trigger {@code NOTIFY}s the service channel on commit).
 *
 * <p>Every event is checked before anything is written: its route must exist (and belong to the
 * bound service, if any) and it must pass {@link EventValidator}. A failing check throws its
 * specific exception and writes nothing.
 *
 * <p>Thread-safe; build one per application (or per service) and share it.
 */
public final class OutboxPublisher {

    /** Rows per multi-row {@code INSERT}; 10 parameters a row keeps each statement far below driver limits. */
    public static final int MAX_ROWS_PER_STATEMENT = 500;

    private final RouteRegistry routes;
    private final EventValidator validator;
    private final int maxAttempts;
    private final ServiceRoute boundService;
    private final SqlDialect dialect;
    private final Map<TableName, OutboxSql> sqlByTable;
    /** Tables a publish has written to: later publishes need no savepoint against a missing schema. */
    private final Set<TableName> verifiedTables = ConcurrentHashMap.newKeySet();

    private OutboxPublisher(Builder builder) {
        this.routes = builder.routes;
        this.validator = new EventValidator(builder.limits);
        this.maxAttempts = builder.maxAttempts;
        this.dialect = builder.dialect;
        this.boundService = builder.service == null ? null : routes.service(builder.service);
        Map<TableName, OutboxSql> sql = new HashMap<>();
        for (ServiceRoute service : routes.services()) {
            sql.put(service.table(), dialect.outboxSql(service.table()));
        }
        this.sqlByTable = Map.copyOf(sql);
    }

    public static Builder builder(RouteRegistry routes) {
        return new Builder(routes);
    }

    /** Publishes a JSON event with a key; returns its new event id. */
    public UUID publish(Connection connection, String eventType, String key, String json) {
        return publish(connection, OutboxEvent.builder(eventType).key(key).json(json).build());
    }

    /** Publishes one event in the caller's transaction; returns its event id. See {@link #publishAll}. */
    public UUID publish(Connection connection, OutboxEvent event) {
        return publishAll(connection, Collections.singletonList(Arguments.requireNonNull(event, "event"))).get(0);
    }

    /**
     * Publishes many events in the caller's transaction with multi-row {@code INSERT}s (one round
     * trip per {@value #MAX_ROWS_PER_STATEMENT} events of a table). All events are checked first; a
     * failing one means none is written. Returns the event ids in the order given.
     *
     * <p>A refused publish never aborts the caller's transaction: every check runs before any SQL; a
     * caller-chosen event id already in the table is found without a database error (the insert
     * skips it, the rows this call did insert are deleted again, and {@link DuplicateEventException}
     * names it; new UUIDv7 ids need no such check, so their inserts stay plain); and
     * the first publish to each table runs inside a savepoint, so a schema that is missing or out of
     * date fails with its exception and leaves the transaction usable. That savepoint costs one
     * subtransaction and two round trips, once per table for the life of this publisher. On a
     * connection in auto-commit mode every statement commits on its own, so a call refused part-way
     * keeps (and says so) what its earlier statements wrote.
     *
     * @throws IllegalArgumentException for a null connection, list or element
     */
    public List<UUID> publishAll(Connection connection, List<OutboxEvent> events) {
        Arguments.requireNonNull(connection, "connection");
        Arguments.requireNonNull(events, "events");
        Map<TableName, List<OutboxEvent>> byTable = new LinkedHashMap<>();
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            OutboxEvent event = events.get(i);
            if (event == null) {
                throw new IllegalArgumentException("events[" + i + "] is null");
            }
            validator.validate(event);
            Route route = routes.route(event.eventType());
            if (boundService != null && !route.service().equals(boundService)) {
                throw new ForeignEventTypeException(event.eventType(), route.service().name(), boundService.name());
            }
            if (!seen.add(event.eventId())) {
                throw new DuplicateEventException(route.table().qualified(), List.of(event.eventId()),
                        "given twice in one publish call; nothing of this publish was written");
            }
            byTable.computeIfAbsent(route.table(), table -> new ArrayList<>()).add(event);
        }
        TableInserts inserted = new TableInserts();
        boolean autoCommit = autoCommit(connection);
        try {
            byTable.forEach((table, tableEvents) -> insert(connection, autoCommit, table, tableEvents, inserted));
        } catch (DuplicateEventException e) {
            if (autoCommit && inserted.count() > 0) {
                // each statement committed on its own: what was written before stays, and is never deleted again
                throw new DuplicateEventException(e.table(), e.eventIds(), "already in the outbox; the connection is"
                        + " in auto-commit mode, so the " + inserted.count() + " other events this call wrote stay"
                        + " committed");
            }
            inserted.undo(connection, e);
            throw e;
        } catch (RuntimeException e) {
            if (!autoCommit) {
                inserted.undo(connection, e);
            }
            throw e;
        }
        List<UUID> ids = new ArrayList<>(events.size());
        for (OutboxEvent event : events) {
            ids.add(event.eventId());
        }
        return ids;
    }

    private boolean autoCommit(Connection connection) {
        try {
            return connection.getAutoCommit();
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, "(connection)", "publish", e);
        }
    }

    private void insert(Connection connection, boolean autoCommit, TableName table, List<OutboxEvent> events,
                        TableInserts inserted) {
        try {
            Savepoint firstUse = !autoCommit && !verifiedTables.contains(table) ? connection.setSavepoint() : null;
            try {
                insertChunks(connection, table, events, inserted);
            } catch (SQLException | RuntimeException e) {
                if (firstUse != null) {
                    connection.rollback(firstUse);
                    inserted.forget(table);
                }
                throw e;
            }
            if (firstUse != null) {
                connection.releaseSavepoint(firstUse);
            }
            verifiedTables.add(table);
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, table.qualified(), "publish", e);
        }
    }

    /**
     * Plain multi-row inserts, except for chunks holding a caller-chosen event id (only such an id
     * can be there already): those skip ids already present and return the ids they wrote, so a
     * duplicate is found without an error that would abort the caller's transaction.
     */
    private void insertChunks(Connection connection, TableName table, List<OutboxEvent> events, TableInserts inserted)
            throws SQLException {
        OutboxSql sql = sqlByTable.get(table);
        for (int from = 0; from < events.size(); from += MAX_ROWS_PER_STATEMENT) {
            List<OutboxEvent> chunk = events.subList(from, Math.min(events.size(), from + MAX_ROWS_PER_STATEMENT));
            if (chunk.stream().noneMatch(OutboxEvent::eventIdGiven)) {
                try (PreparedStatement statement = connection.prepareStatement(sql.insert(chunk.size()))) {
                    bind(statement, chunk);
                    statement.executeUpdate();
                }
                inserted.add(table, chunk);
                continue;
            }
            Set<UUID> written = new HashSet<>();
            try (PreparedStatement statement = connection.prepareStatement(sql.insertReturningNew(chunk.size()))) {
                bind(statement, chunk);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        written.add(rs.getObject(2, UUID.class));
                    }
                }
            }
            List<UUID> duplicates = new ArrayList<>();
            for (OutboxEvent event : chunk) {
                if (written.contains(event.eventId())) {
                    inserted.add(table, List.of(event));
                } else {
                    duplicates.add(event.eventId());
                }
            }
            if (!duplicates.isEmpty()) {
                throw new DuplicateEventException(table.qualified(), duplicates,
                        "already in the outbox; nothing of this publish was written");
            }
        }
    }

    private void bind(PreparedStatement statement, List<OutboxEvent> chunk) throws SQLException {
        int index = 1;
        for (OutboxEvent event : chunk) {
            index = EventBinder.bind(statement, index, event, maxAttempts);
        }
    }

    /** The events one publish call inserted, per table, so a refused call can take them back. */
    private final class TableInserts {

        private final Map<TableName, List<OutboxEvent>> events = new LinkedHashMap<>();

        void add(TableName table, List<OutboxEvent> written) {
            events.computeIfAbsent(table, t -> new ArrayList<>()).addAll(written);
        }

        int count() {
            return events.values().stream().mapToInt(List::size).sum();
        }

        void forget(TableName table) {
            events.remove(table);
        }

        void undo(Connection connection, RuntimeException refusal) {
            for (Map.Entry<TableName, List<OutboxEvent>> table : events.entrySet()) {
                UUID[] eventIds = table.getValue().stream().map(OutboxEvent::eventId).toArray(UUID[]::new);
                try (PreparedStatement delete = connection.prepareStatement(
                        sqlByTable.get(table.getKey()).deleteByEventIds())) {
                    delete.setArray(1, connection.createArrayOf("uuid", eventIds));
                    delete.executeUpdate();
                } catch (SQLException e) {
                    refusal.addSuppressed(StoreErrors.translate(dialect, table.getKey().qualified(), "undo publish", e));
                }
            }
        }
    }

    /** Settings with defaults; checked at {@link #build()}. */
    public static final class Builder {

        private final RouteRegistry routes;
        private SqlDialect dialect = SqlDialect.postgresql();
        private PublishLimits limits = PublishLimits.defaults();
        private int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;
        private String service;

        private Builder(RouteRegistry routes) {
            this.routes = Arguments.requireNonNull(routes, "routes");
        }

        public Builder dialect(SqlDialect dialect) {
            this.dialect = Arguments.requireNonNull(dialect, "dialect");
            return this;
        }

        public Builder limits(PublishLimits limits) {
            this.limits = Arguments.requireNonNull(limits, "limits");
            return this;
        }

        /** Delivery attempts before a row is dead, stored on each row (default {@value RetryPolicy#DEFAULT_MAX_ATTEMPTS}). */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Refuse event types of any other service (they throw {@link ForeignEventTypeException}). */
        public Builder boundTo(String service) {
            this.service = service;
            return this;
        }

        public OutboxPublisher build() {
            if (maxAttempts < 1 || maxAttempts > 1000) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 1000, was " + maxAttempts);
            }
            return new OutboxPublisher(this);
        }
    }
}
