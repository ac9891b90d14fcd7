package dev.mailroom.consumer;

import dev.mailroom.jdbc.store.ClaimResult;
import dev.mailroom.jdbc.store.ConsumeCallback;
import dev.mailroom.jdbc.store.ConsumeCallbackException;
import dev.mailroom.jdbc.store.ConsumeOutcome;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.kafka.CloudEventHeaders;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Works through the inbox with the relay's machinery: claims received events with a lease, one
 * per key at a time in arrival order, checks them, and runs each handler in the transaction that
 * marks the event handled. Poison (no handler, unsupported version, unparseable or invalid
 * payload) is dead at once with the reason; a handler that throws is retried with backoff, then
 * dead at max attempts. A failing event holds back only later events of its own key.
 */
final class InboxWorker {

    private static final Logger LOG = LoggerFactory.getLogger(InboxWorker.class);
    private static final Duration MIN_WAIT = Duration.ofMillis(5);

    private final OutboxStore inbox;
    private final Map<String, HandlerRegistration<?>> handlers;
    private final UnknownTypePolicy unknownTypes;
    private final Function<String, Optional<OutboxStore>> sharedOutboxOf;
    private final PayloadReader payloads;
    private final HandlerTransactions transactions;
    private final ConsumerMetrics metrics;
    private final String owner;
    private final String group;
    private final int batchSize;
    private final Duration lease;
    private final Duration idleWait;

    InboxWorker(ConsumerSettings settings, OutboxStore inbox, Map<String, HandlerRegistration<?>> handlers,
                Function<String, Optional<OutboxStore>> sharedOutboxOf, PayloadReader payloads,
                HandlerTransactions transactions, ConsumerMetrics metrics) {
        this.inbox = inbox;
        this.handlers = handlers;
        this.unknownTypes = settings.unknownTypes();
        this.sharedOutboxOf = sharedOutboxOf;
        this.payloads = payloads;
        this.transactions = transactions;
        this.metrics = metrics;
        this.owner = settings.owner();
        this.group = settings.group();
        this.batchSize = settings.batchSize();
        this.lease = settings.lease();
        this.idleWait = settings.idleWait();
    }

    /** One pass; returns zero after a batch, else the wait until the next retry or lease expiry. */
    Duration runOnce() {
        ClaimResult claim = inbox.claimOrNextDue(owner, batchSize, lease, true);
        if (!claim.rows().isEmpty()) {
            for (OutboxRow row : claim.rows()) {
                MDC.put("mailroom.event.id", row.eventId().toString());
                MDC.put("mailroom.consumer.group", group);
                try {
                    process(row);
                } finally {
                    MDC.remove("mailroom.event.id");
                    MDC.remove("mailroom.consumer.group");
                }
            }
            return Duration.ZERO;
        }
        Optional<Duration> next = claim.nextDueIn();
        if (next.isEmpty()) {
            return idleWait;
        }
        if (next.get().isZero()) {
            return inbox.reclaimExpiredLeases(batchSize) > 0 ? Duration.ZERO : MIN_WAIT;
        }
        return next.get().compareTo(MIN_WAIT) < 0 ? MIN_WAIT : next.get();
    }

    private void process(OutboxRow row) {
        String poison = row.headers().get(InboxRecords.POISON_HEADER);
        if (poison != null) {
            deadLetter(row, poison);
            return;
        }
        HandlerRegistration<?> registration = handlers.get(row.eventType());
        if (registration == null) {
            if (unknownTypes == UnknownTypePolicy.DEAD_LETTER) {
                deadLetter(row, "no handler for event type '" + row.eventType() + "' in group " + group);
            } else {
                inbox.consume(row.eventId(), connection -> { });
                metrics.processed(row.eventType(), "skipped");
            }
            return;
        }
        handle(row, registration);
    }

    private <T> void handle(OutboxRow row, HandlerRegistration<T> registration) {
        if (!registration.versions().contains(row.eventVersion())) {
            deadLetter(row, "event version " + row.eventVersion() + " is not supported by the handler of "
                    + row.eventType() + " (supported: " + registration.versions() + ")");
            return;
        }
        T payload;
        try {
            payload = payloads.read(row.payload(), registration.payloadType());
        } catch (Exception e) {
            deadLetter(row, "payload does not parse as " + registration.payloadType().getSimpleName() + ": "
                    + e.getMessage());
            return;
        }
        try {
            registration.validator().validate(payload);
        } catch (RuntimeException e) {
            deadLetter(row, "payload failed validation: " + e.getMessage());
            return;
        }
        EventMetadata metadata = metadata(row);
        Optional<OutboxStore> sharedOutbox = sharedOutboxOf.apply(row.eventType());
        ConsumeCallback work = connection -> {
            registration.handler().handle(payload, metadata, connection);
            sharedOutbox.ifPresent(outbox -> outbox.markConsumed(connection, row.eventId()));
        };
        try {
            ConsumeOutcome outcome = consume(row, work);
            metrics.processed(row.eventType(), outcome == ConsumeOutcome.CONSUMED ? "handled" : "duplicate");
        } catch (Exception e) {
            Throwable cause = e instanceof ConsumeCallbackException ? e.getCause() : e;
            Optional<OutboxState> state = inbox.markFailed(owner, row, cause.toString());
            boolean dead = state.orElse(OutboxState.PENDING) == OutboxState.DEAD;
            metrics.processed(row.eventType(), dead ? "dead" : "retried");
            LOG.warn("Handler of {} failed for event {} (attempt {} of {}){}: {}", row.eventType(), row.eventId(),
                    row.attempts() + 1, row.maxAttempts(), dead ? ", now dead" : ", will retry", cause.toString());
        }
    }

    /** In the worker's own transaction, or in the one {@link HandlerTransactions} runs. */
    private ConsumeOutcome consume(OutboxRow row, ConsumeCallback work) throws Exception {
        if (transactions == null) {
            return inbox.consume(row.eventId(), work);
        }
        ConsumeOutcome[] outcome = new ConsumeOutcome[1];
        transactions.inNewTransaction(connection -> outcome[0] = inbox.consume(connection, row.eventId(), work));
        return outcome[0];
    }

    private void deadLetter(OutboxRow row, String reason) {
        LOG.warn("Event {} ({}) dead-lettered in group {}: {}", row.eventId(), row.eventType(), group, reason);
        inbox.markDead(row.id(), owner, reason);
        metrics.processed(row.eventType(), "dead");
    }

    private static EventMetadata metadata(OutboxRow row) {
        return new EventMetadata(row.eventId(), row.eventType(), row.eventVersion(), row.key(), row.tenantId(),
                row.correlationId(), row.headers().get(CloudEventHeaders.SOURCE), row.headers());
    }
}
