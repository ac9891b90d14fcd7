package dev.mailroom.relay;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one PostgreSQL connection that {@code LISTEN}s on the service's channel and wakes the
 * claim loop on every notification. Waiting for notifications reads the socket and sends no
 * queries. When the connection dies, it reconnects with exponential backoff (100 ms doubling up to
 * the configured maximum) and wakes the loop for a rescan, since notifications sent meanwhile are
 * lost.
 */
final class NotificationListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    /** Opens the dedicated listening connection. */
    @FunctionalInterface
    interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final ConnectionFactory connections;
    private final String channel;
    private final Runnable wake;
    private final Duration maxBackoff;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Connection current;
    private volatile int connectionsOpened;

    NotificationListener(ConnectionFactory connections, String channel, Runnable wake, Duration maxBackoff, String name) {
        this.connections = connections;
        this.channel = channel;
        this.wake = wake;
        this.maxBackoff = maxBackoff;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** How many listening connections were opened so far (1 unless it had to reconnect). */
    int connectionsOpened() {
        return connectionsOpened;
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (running) {
            try (Connection connection = connections.open()) {
                current = connection;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN \"" + channel + "\"");
                }
                connectionsOpened++;
                backoff = FIRST_BACKOFF;
                wake.run();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null && notifications.length > 0) {
                        wake.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warn("Listener on channel {} lost its connection ({}); reconnecting in {} ms", channel,
                        e.getMessage(), backoff.toMillis());
                wake.run();
                if (awaitStop(backoff)) {
                    break;
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            } finally {
                current = null;
            }
        }
    }

    private boolean awaitStop(Duration wait) {
        try {
            return stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Override
    public void close() {
        running = false;
        stopped.countDown();
        Connection connection = current;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing only to unblock the waiting read
            }
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
