package dev.mailroom.faults;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.kafka.KafkaBroker;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A deliberately broken LEASE relay for the checker's mutation tests (PostgreSQL, plain JDBC): it
 * claims rows the way Mailroom's lease relay does, but settles them fenced neither on the lease
 * owner nor on the state it expects, where Mailroom's settlement ({@code PostgresOutboxSql}'s
 * {@code markPublished}) ends in {@code AND status IN (...) AND lease_owner = ?}. The test drives
 * it one step at a time, {@link #claim} then {@link #sendAndSettle}, and pauses it in between, past
 * its lease, as a SIGSTOP or a long GC pause would. Never used but to show the violation is caught.
 */
final class UnfencedLeaseRelay implements AutoCloseable {

    static final String OWNER = "unfenced-relay";

    private final TestDatabase database;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Claimed> claimed = new ArrayList<>();

    private record Claimed(long id, String eventId, String key, byte[] payload) {
    }

    UnfencedLeaseRelay(TestDatabase database, KafkaBroker broker, String topic) {
        this.database = database;
        this.producer = RawRecords.producer(broker);
        this.topic = topic;
    }

    /** Claims up to {@code limit} pending rows for {@code lease} (Mailroom's claim statement); returns how many. */
    int claim(int limit, Duration lease) throws SQLException {
        try (Connection connection = database.openConnection();
             PreparedStatement claim = connection.prepareStatement("UPDATE " + FaultRoutes.TABLE
                     + " SET status = 'sending', lease_owner = ?, lease_expires_at = now() + ? * interval '1 millisecond',"
                     + " updated_at = now() WHERE id = ANY(ARRAY(SELECT id FROM " + FaultRoutes.TABLE
                     + " WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED))"
                     + " AND status = 'pending' RETURNING id, event_id, event_key, payload")) {
            claim.setString(1, OWNER);
            claim.setLong(2, lease.toMillis());
            claim.setInt(3, limit);
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4)));
                }
            }
        }
        return claimed.size();
    }

    /**
     * Sends what it claimed, waits for the acknowledgements and marks those rows published with no
     * fence: {@code WHERE id = ANY(?)} alone. Returns the number of rows the settlement changed.
     */
    int sendAndSettle() throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (Claimed row : claimed) {
            sends.add(producer.send(RawRecords.of(topic, row.eventId(), row.key(), row.payload())));
        }
        for (Future<RecordMetadata> send : sends) {
            send.get();
        }
        try (Connection connection = database.openConnection();
             PreparedStatement settle = connection.prepareStatement("UPDATE " + FaultRoutes.TABLE
                     + " SET status = 'published', published_at = now(), lease_owner = NULL, lease_expires_at = NULL,"
                     + " updated_at = now() WHERE id = ANY(?)")) {
            Array ids = connection.createArrayOf("bigint", claimed.stream().map(Claimed::id).toArray());
            settle.setArray(1, ids);
            return settle.executeUpdate();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
