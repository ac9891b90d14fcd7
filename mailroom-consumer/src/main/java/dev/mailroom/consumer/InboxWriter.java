package dev.mailroom.consumer;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.dialect.SqlErrorKind;
import dev.mailroom.jdbc.internal.EventBinder;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.jdbc.internal.Transactions;
import dev.mailroom.routing.TableName;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes received events into the inbox in one transaction; an event id already there is skipped.
 * When the database refuses the batch for its data ({@link SqlErrorKind#INVALID_DATA}: not an
 * outage, a conflict, a timeout or a cancelled statement, which are retried whole), the events are
 * written one by one instead, and each one it still refuses is stored as a poison placeholder: its
 * event id and Kafka coordinates, no payload, and the database's reason, so the worker dead-letters
 * it and one bad record never holds back its batch. The record itself stays on the topic.
 */
final class InboxWriter {

    private static final Logger LOG = LoggerFactory.getLogger(InboxWriter.class);
    private static final int MAX_ROWS_PER_STATEMENT = 500;
    /**
     * Estimated bytes per statement, unless it is one row: MariaDB refuses, and drops the connection
     * for, a statement over its {@code max_allowed_packet} (16 MiB by default), and a batch of
     * foreign records can be tens of megabytes.
     */
    private static final long MAX_BYTES_PER_STATEMENT = 4 * 1024 * 1024;
    /** A database's message may quote the whole refused row. */
    private static final int MAX_REASON_LENGTH = 1000;
    private static final List<String> COORDINATES = List.of("kafka.topic", "kafka.partition", "kafka.offset");

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final OutboxOperations operations;
    private final int maxAttempts;

    InboxWriter(DataSource dataSource, SqlDialect dialect, TableName table, int maxAttempts) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.operations = dialect.outbox(table);
        this.maxAttempts = maxAttempts;
    }

    /** Returns how many events were new. */
    int write(List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        try {
            try {
                return insert(events);
            } catch (SQLException e) {
                if (dialect.classify(e) != SqlErrorKind.INVALID_DATA) {
                    throw e;
                }
                return insertOneByOne(events, e);
            }
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, table.qualified(), "inbox write", e);
        }
    }

    private int insertOneByOne(List<OutboxEvent> events, SQLException batchError) throws SQLException {
        LOG.warn("Inbox {} refused a batch of {} events ({}); writing them one by one", table, events.size(),
                batchError.getMessage());
        int inserted = 0;
        for (OutboxEvent event : events) {
            try {
                inserted += insert(List.of(event));
            } catch (SQLException e) {
                if (dialect.classify(e) != SqlErrorKind.INVALID_DATA) {
                    throw e;
                }
                LOG.warn("Inbox {} refused event {} as it came; stored as poison: {}", table, event.eventId(),
                        e.getMessage());
                inserted += insert(List.of(placeholder(event, e)));
            }
        }
        return inserted;
    }

    private int insert(List<OutboxEvent> events) throws SQLException {
        return Transactions.inTransactionRetryingConflicts(dataSource, dialect, connection -> {
            int inserted = 0;
            for (int from = 0, to; from < events.size(); from = to) {
                to = chunkEnd(events, from);
                List<OutboxEvent> chunk = events.subList(from, to);
                inserted += operations.insertIgnoringDuplicates(connection,
                        chunk.stream().map(OutboxEvent::eventId).toList(),
                        (statement, index, row) -> EventBinder.bind(dialect, statement, index, chunk.get(row), maxAttempts));
            }
            return inserted;
        });
    }

    /** Where the statement starting at {@code from} ends: the row and byte bounds, at least one event. */
    private static int chunkEnd(List<OutboxEvent> events, int from) {
        int to = from;
        long bytes = 0;
        while (to < events.size() && to - from < MAX_ROWS_PER_STATEMENT) {
            bytes += estimatedBytes(events.get(to));
            if (to > from && bytes > MAX_BYTES_PER_STATEMENT) {
                break;
            }
            to++;
        }
        return to;
    }

    /** The payload and three bytes a character of text (headers of foreign records have no size limit). */
    private static long estimatedBytes(OutboxEvent event) {
        long characters = event.eventType().length() + event.contentType().length() + length(event.key())
                + length(event.tenantId()) + length(event.correlationId());
        for (Map.Entry<String, String> header : event.headers().entrySet()) {
            characters += header.getKey().length() + header.getValue().length();
        }
        return event.payloadLength() + 3 * characters;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /** The event reduced to what identifies it, marked poison with the database's reason. */
    private static OutboxEvent placeholder(OutboxEvent event, SQLException refusal) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String coordinate : COORDINATES) {
            if (event.headers().containsKey(coordinate)) {
                headers.put(coordinate, event.headers().get(coordinate));
            }
        }
        String reason = "the inbox refused the record as it came (SQL state " + refusal.getSQLState() + "): "
                + refusal.getMessage();
        headers.put(InboxRecords.POISON_HEADER, ForeignRecordText.withoutNul(
                reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason));
        return OutboxEvent.builder(InboxRecords.UNKNOWN_TYPE).eventId(event.eventId())
                .payload(new byte[0], OutboxEvent.JSON).headers(headers).build();
    }
}
