package dev.mailroom.faults;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.kafka.KafkaBroker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A deliberately broken relay for the checker's mutation tests: it advances an id cursor
 * ({@code WHERE id > last delivered}) instead of finding rows by state, the pitfall that loses the
 * row of a transaction committing after rows with higher ids were delivered. Never used but to show
 * that the {@link HistoryChecker} catches it.
 */
final class CursorRelay implements AutoCloseable {

    private final TestDatabase database;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    CursorRelay(TestDatabase database, KafkaBroker broker, String topic) {
        this.database = database;
        this.producer = RawRecords.producer(broker);
        this.topic = topic;
        this.thread = new Thread(this::run, "cursor-relay");
    }

    CursorRelay start() {
        thread.start();
        return this;
    }

    private void run() {
        long cursor = 0;
        try (Connection connection = database.openConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id, event_id, event_key, payload FROM "
                     + FaultRoutes.TABLE + " WHERE id > ? ORDER BY id LIMIT 500")) {
            while (running) {
                select.setLong(1, cursor);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        producer.send(RawRecords.of(topic, rs.getString(2), rs.getString(3), rs.getBytes(4)));
                        cursor = rs.getLong(1);
                    }
                }
                producer.flush();
                Pacing.wait(Duration.ofMillis(20));
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.join(10_000);
        producer.close(Duration.ofSeconds(5));
        if (failure != null) {
            throw failure;
        }
    }
}
