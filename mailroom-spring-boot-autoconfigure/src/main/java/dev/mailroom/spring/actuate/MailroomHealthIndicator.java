package dev.mailroom.spring.actuate;

import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailboxOverview;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.consumer.ConsumerHealth;
import dev.mailroom.consumer.ConsumerRunner;
import dev.mailroom.jdbc.operator.RelayInstance;
import dev.mailroom.relay.Relay;
import dev.mailroom.spring.autoconfigure.MailroomConsumers;
import dev.mailroom.spring.autoconfigure.MailroomRelays;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code mailroom} health: {@code DOWN} when the database does not answer (the overview's
 * queries fail), when a relay of this application is not running or has stopped heartbeating, or
 * when a consumer runner reports itself unhealthy; the configured backlog status (default
 * {@code OUT_OF_SERVICE}) when an outbox's or inbox's oldest undelivered row is older than the
 * threshold. Details: per mailbox the pending, dead and retrying counts and the oldest undelivered age.
 *
 * <p>Each check runs {@link MailroomAdmin#overview()}: a count per state and a few index reads per
 * table. When the database stops answering, the check takes up to the pool's connection timeout.
 */
public class MailroomHealthIndicator extends AbstractHealthIndicator {

    private final MailroomAdmin admin;
    private final MailroomRelays relays;
    private final MailroomConsumers consumers;
    private final Duration oldestUndeliveredThreshold;
    private final Status backlogStatus;

    public MailroomHealthIndicator(MailroomAdmin admin, MailroomRelays relays, MailroomConsumers consumers,
                                   Duration oldestUndeliveredThreshold, Status backlogStatus) {
        super("Mailroom health check failed");
        this.admin = admin;
        this.relays = relays;
        this.consumers = consumers;
        this.oldestUndeliveredThreshold = oldestUndeliveredThreshold;
        this.backlogStatus = backlogStatus;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        List<MailboxOverview> overview = admin.overview();
        Status status = Status.UP;
        Map<String, Object> mailboxes = new LinkedHashMap<>();
        for (MailboxOverview box : overview) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("pending", box.counts().getOrDefault(OutboxState.PENDING, 0L));
            detail.put("retrying", box.retrying());
            detail.put("dead", box.dead());
            box.oldestUndeliveredAge().ifPresent(age -> detail.put("oldestUndeliveredAgeSeconds", age.toMillis() / 1000.0));
            if (box.mailbox().kind() == Mailbox.Kind.OUTBOX) {
                status = worst(status, relay(box, detail));
            } else {
                status = worst(status, consumer(box.mailbox().name(), detail));
            }
            Optional<Duration> age = box.oldestUndeliveredAge();
            if (oldestUndeliveredThreshold != null && age.isPresent() && age.get().compareTo(oldestUndeliveredThreshold) > 0) {
                detail.put("backlog", "oldest undelivered row older than " + oldestUndeliveredThreshold);
                status = worst(status, backlogStatus);
            }
            mailboxes.put(box.mailbox().target(), detail);
        }
        health.status(status).withDetail("mailboxes", mailboxes);
    }

    private Status relay(MailboxOverview box, Map<String, Object> detail) {
        String service = box.mailbox().name();
        Relay relay = relays == null ? null : relays.relays().get(service);
        if (relay == null) {
            detail.put("relay", "none in this application");
            return Status.UP;
        }
        if (!relays.isRunning(service)) {
            detail.put("relay", "stopped");
            return Status.DOWN;
        }
        Optional<RelayInstance> heartbeat = box.relays().stream()
                .filter(instance -> instance.instanceId().equals(relay.owner())).findFirst();
        if (heartbeat.isPresent() && !heartbeat.get().alive(admin.relayExpiry())) {
            detail.put("relay", "running but silent for longer than " + admin.relayExpiry());
            return Status.DOWN;
        }
        detail.put("relay", "running");
        return Status.UP;
    }

    private Status consumer(String group, Map<String, Object> detail) {
        ConsumerRunner runner = consumers == null ? null : consumers.runners().get(group);
        if (runner == null) {
            detail.put("consumer", "none in this application");
            return Status.UP;
        }
        ConsumerHealth consumerHealth = runner.health();
        detail.put("consumer", consumerHealth.healthy() ? "healthy" : "unhealthy");
        if (consumerHealth.lastInboxWriteError() != null && !consumerHealth.healthy()) {
            detail.put("consumerLastError", consumerHealth.lastInboxWriteError());
        }
        return consumerHealth.healthy() ? Status.UP : Status.DOWN;
    }

    private static Status worst(Status current, Status candidate) {
        return rank(candidate) > rank(current) ? candidate : current;
    }

    private static int rank(Status status) {
        if (Status.DOWN.equals(status)) {
            return 3;
        }
        if (Status.OUT_OF_SERVICE.equals(status)) {
            return 2;
        }
        return Status.UP.equals(status) ? 0 : 1;
    }
}
