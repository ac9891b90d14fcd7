package dev.mailroom.examples.orders;

import dev.mailroom.consumer.EventMetadata;
import dev.mailroom.spring.MailroomHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The notification service's handler: its insert commits in the same transaction as the event's
 * inbox record, so a redelivered {@code order.placed} never notifies twice.
 */
@Component
public class NotificationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationHandler.class);
    private final JdbcTemplate jdbc;
    private final Semaphore committed = new Semaphore(0);

    public NotificationHandler(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @MailroomHandler("order.placed")
    void onOrderPlaced(OrderPlaced order, EventMetadata metadata) {
        jdbc.update("INSERT INTO notifications (event_id, order_id, message) VALUES (?, ?, ?)", metadata.eventId(),
                order.orderId(), "Thank you " + order.customer() + ", we received " + order.orderId());
        LOG.info("Notified {} about {} (event {})", order.customer(), order.orderId(), metadata.eventId());
        // the handler runs in a Spring transaction: count the notification once it committed with its inbox record
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                committed.release();
            }
        });
    }

    /** Waits until {@code count} notifications have committed, or {@code timeout} passed; returns whether they did. */
    boolean awaitCommitted(int count, Duration timeout) throws InterruptedException {
        return committed.tryAcquire(count, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
