package dev.mailroom.jdbc.publish;

import dev.mailroom.internal.Arguments;
import dev.mailroom.event.EventValidator;
import dev.mailroom.event.OutboxEvent;
import dev.mailroom.event.PublishLimits;
import dev.mailroom.jdbc.DuplicateEventException;
import dev.mailroom.jdbc.dialect.OutboxOperations;
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
    /** Payload bytes per multi-row {@code INSERT} (a single larger event still goes in one statement). */
    public static final int MAX_PAYLOAD_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

    private final RouteRegistry routes;
    private final EventValidator validator;
    private final int maxAttempts;
    private final ServiceRoute boundService;
    /** The dialect and each table's operations; detected from the first connection unless given. */
    private volatile Tables tables;
    /** Tables a publish has written to: later publishes need no savepoint against a missing schema. */
    private final Set<TableName> verifiedTables = ConcurrentHashMap.newKeySet();

    private OutboxPublisher(Builder builder) {
        this.routes = builder.routes;
        this.validator = new EventValidator(builder.limits);
        this.maxAttempts = builder.maxAttempts;
        this.boundService = builder.service == null ? null : routes.service(builder.service);
        this.tables = builder.dialect == null ? null : new Tables(builder.dialect, routes);
    }

    /** One dialect's operations for every routed table. */
    private record Tables(SqlDialect dialect, Map<TableName, OutboxOperations> operations) {

        Tables(SqlDialect dialect, RouteRegistry routes) {
            this(dialect, operationsOf(dialect, routes));
        }

        private static Map<TableName, OutboxOperations> operationsOf(SqlDialect dialect, RouteRegistry routes) {
            Map<TableName, OutboxOperations> byTable = new HashMap<>();
            for (ServiceRoute service : routes.services()) {
                byTable.put(service.table(), dialect.outbox(service.table()));
            }
            return Map.copyOf(byTable);
        }
    }

    /** The tables' operations, the dialect read from the connection's metadata the first time. */
    private Tables tables(Connection connection) {
        Tables known = tables;
        if (known == null) {
            try {
                known = new Tables(SqlDialect.forProductName(connection.getMetaData().getDatabaseProductName()), routes);
            } catch (SQLException e) {
                throw StoreErrors.translate(SqlDialect.postgresql(), "(connection)", "publish", e);
            }
            tables = known;
        }
        return known;
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
        Tables known = tables(connection);
        TableInserts inserted = new TableInserts(known);
        boolean autoCommit = autoCommit(connection, known.dialect());
        try {
            byTable.forEach((table, tableEvents) -> insert(connection, known, autoCommit, table, tableEvents, inserted));
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

    private static boolean autoCommit(Connection connection, SqlDialect dialect) {
        try {
            return connection.getAutoCommit();
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, "(connection)", "publish", e);
        }
    }

    private void insert(Connection connection, Tables known, boolean autoCommit, TableName table,
                        List<OutboxEvent> events, TableInserts inserted) {
        try {
            Savepoint firstUse = !autoCommit && !verifiedTables.contains(table) ? connection.setSavepoint() : null;
            try {
                insertChunks(connection, known, table, events, inserted);
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
            PublishSignals.written(table);
        } catch (SQLException e) {
            throw StoreErrors.translate(known.dialect(), table.qualified(), "publish", e);
        }
    }

    /**
     * Plain multi-row inserts, except for chunks holding a caller-chosen event id (only such an id
     * can be there already): those skip ids already present and name them, so a duplicate is found
     * without an error that would abort the caller's transaction. A chunk holds at most
     * {@value #MAX_ROWS_PER_STATEMENT} events and, unless it is one event, at most
     * {@value #MAX_PAYLOAD_BYTES_PER_STATEMENT} payload bytes (MariaDB refuses, and drops the
     * connection for, a statement over its {@code max_allowed_packet}, 16 MiB by default).
     */
    private void insertChunks(Connection connection, Tables known, TableName table, List<OutboxEvent> events,
                              TableInserts inserted) throws SQLException {
        OutboxOperations operations = known.operations().get(table);
        SqlDialect dialect = known.dialect();
        int from = 0;
        while (from < events.size()) {
            int to = chunkEnd(events, from);
            List<OutboxEvent> chunk = events.subList(from, to);
            from = to;
            OutboxOperations.RowBinder binder = (statement, index, row) ->
                    EventBinder.bind(dialect, statement, index, chunk.get(row), maxAttempts);
            if (chunk.stream().noneMatch(OutboxEvent::eventIdGiven)) {
                operations.insert(connection, chunk.size(), binder);
                inserted.add(table, chunk);
                continue;
            }
            List<UUID> ids = chunk.stream().map(OutboxEvent::eventId).toList();
            Set<UUID> present = operations.insertAbsent(connection, ids, binder);
            for (OutboxEvent event : chunk) {
                if (!present.contains(event.eventId())) {
                    inserted.add(table, List.of(event));
                }
            }
            if (!present.isEmpty()) {
                throw new DuplicateEventException(table.qualified(), List.copyOf(present),
                        "already in the outbox; nothing of this publish was written");
            }
        }
    }

    /** Where the chunk starting at {@code from} ends: the row and payload byte bounds, at least one event. */
    private static int chunkEnd(List<OutboxEvent> events, int from) {
        int to = from;
        long bytes = 0;
        while (to < events.size() && to - from < MAX_ROWS_PER_STATEMENT) {
            bytes += events.get(to).payloadLength();
            if (to > from && bytes > MAX_PAYLOAD_BYTES_PER_STATEMENT) {
                break;
            }
            to++;
        }
        return to;
    }

    /** The events one publish call inserted, per table, so a refused call can take them back. */
    private static final class TableInserts {

        private final Tables tables;
        private final Map<TableName, List<OutboxEvent>> events = new LinkedHashMap<>();

        TableInserts(Tables tables) {
            this.tables = tables;
        }

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
                List<UUID> eventIds = table.getValue().stream().map(OutboxEvent::eventId).toList();
                try {
                    tables.operations().get(table.getKey()).deleteByEventIds(connection, eventIds);
                } catch (SQLException e) {
                    refusal.addSuppressed(StoreErrors.translate(tables.dialect(), table.getKey().qualified(),
                            "undo publish", e));
                }
            }
        }
    }

    /** Settings with defaults; checked at {@link #build()}. */
    public static final class Builder {

        private final RouteRegistry routes;
        private SqlDialect dialect;
        private PublishLimits limits = PublishLimits.defaults();
        private int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;
        private String service;

        private Builder(RouteRegistry routes) {
            this.routes = Arguments.requireNonNull(routes, "routes");
        }

        /** The database's dialect; by default read from the first connection's metadata. */
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
