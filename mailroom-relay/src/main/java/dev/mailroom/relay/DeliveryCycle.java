package dev.mailroom.relay;

import dev.mailroom.jdbc.store.ClaimResult;
import dev.mailroom.jdbc.store.DeliveryFailure;
import dev.mailroom.jdbc.store.OutboxCounts;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.routing.Route;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.UnknownEventTypeException;
import dev.mailroom.state.OutboxState;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the relay: reclaim expired leases when due, claim a batch, send every row without
 * waiting for acknowledgements in between, then settle the batch in two statements (published,
 * failed). No row lock is held while sending: the claim committed a lease, and every settlement
 * is fenced on it.
 */
final class DeliveryCycle {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryCycle.class);
    /** Shortest sleep between passes when a row is about to become due: keeps a relay from spinning. */
    private static final Duration MIN_WAIT = Duration.ofMillis(5);

    private final RelaySettings settings;
    private final OutboxStore store;
    private final RouteRegistry routes;
    private final Transport transport;
    private final RelayMetrics metrics;
    private final String source;
    private volatile long stopDeadlineNanos = Long.MAX_VALUE;
    private long nextHousekeepingNanos = System.nanoTime();

    DeliveryCycle(RelaySettings settings, OutboxStore store, RouteRegistry routes, Transport transport,
                  RelayMetrics metrics) {
        this.settings = settings;
        this.store = store;
        this.routes = routes;
        this.transport = transport;
        this.metrics = metrics;
        this.source = settings.source();
    }

    /** From now on, a batch waits for acknowledgements at most until {@code deadline}, then gives its rows back. */
    void stopBy(long deadlineNanos) {
        stopDeadlineNanos = deadlineNanos;
    }

    /**
     * Claims and delivers one batch. Returns zero after a batch (run again at once: more rows, or
     * rows of the same keys, may be waiting); otherwise the time until the next retry or lease
     * expiry, or the fallback poll when nothing waits.
     */
    Duration runOnce() throws InterruptedException {
        housekeepingIfDue();
        if (stopRequested()) {
            return settings.fallbackPoll();
        }
        long claimStart = System.nanoTime();
        ClaimResult claim = store.claimOrNextDue(settings.owner(), settings.batchSize(), settings.lease(),
                settings.orderByKey());
        List<OutboxRow> rows = claim.rows();
        if (!rows.isEmpty()) {
            long claimed = System.nanoTime();
            metrics.batch(rows.size());
            deliver(rows, claimStart);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Relay {}: batch of {} claimed in {} us, delivered and settled in {} us", settings.owner(),
                        rows.size(), (claimed - claimStart) / 1000, (System.nanoTime() - claimed) / 1000);
            }
            return Duration.ZERO;
        }
        Optional<Duration> nextDue = claim.nextDueIn();
        if (nextDue.isEmpty()) {
            return settings.fallbackPoll();
        }
        if (nextDue.get().isZero()) {
            return store.reclaimExpiredLeases(settings.batchSize()) > 0 ? Duration.ZERO : MIN_WAIT;
        }
        return nextDue.get().compareTo(MIN_WAIT) < 0 ? MIN_WAIT : nextDue.get();
    }

    private boolean stopRequested() {
        return stopDeadlineNanos != Long.MAX_VALUE;
    }

    /** Lease reaping and the backlog gauge: at start, then at most every reap interval. */
    private void housekeepingIfDue() {
        long now = System.nanoTime();
        if (now - nextHousekeepingNanos < 0) {
            return;
        }
        nextHousekeepingNanos = now + settings.reapInterval().toNanos();
        int reclaimed = store.reclaimExpiredLeases(settings.batchSize());
        if (reclaimed > 0) {
            LOG.info("Relay {} reclaimed {} rows whose lease expired", settings.owner(), reclaimed);
        }
        OutboxCounts counts = store.counts();
        metrics.backlog(counts.count(OutboxState.PENDING) + counts.count(OutboxState.SENDING),
                counts.oldestUndeliveredAge().orElse(Duration.ZERO));
    }

    private void deliver(List<OutboxRow> rows, long claimedAt) throws InterruptedException {
        Map<OutboxRow, CompletableFuture<Void>> sends = new LinkedHashMap<>();
        Map<OutboxRow, Route> routesByRow = new LinkedHashMap<>();
        List<Long> notSent = new ArrayList<>();
        for (OutboxRow row : rows) {
            if (stopRequested()) {
                notSent.add(row.id());
                continue;
            }
            Route route;
            try {
                route = routes.route(row.eventType());
            } catch (UnknownEventTypeException e) {
                LOG.warn("Event {} has unrouted type '{}'; marked dead", row.eventId(), row.eventType());
                store.markDead(row.id(), settings.owner(), e.getMessage());
                continue;
            }
            routesByRow.put(row, route);
            sends.put(row, send(EnvelopeMapper.toEnvelope(row, route, source)));
        }
        if (!notSent.isEmpty()) {
            store.release(settings.owner(), notSent);
        }
        awaitAcknowledgements(sends);
        metrics.batchAcknowledged(Duration.ofNanos(System.nanoTime() - claimedAt));
        settle(sends, routesByRow);
    }

    private CompletableFuture<Void> send(Envelope envelope) {
        try {
            return transport.send(envelope);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void awaitAcknowledgements(Map<OutboxRow, CompletableFuture<Void>> sends) throws InterruptedException {
        long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
        CompletableFuture<Void> all = CompletableFuture.allOf(sends.values().toArray(new CompletableFuture[0]));
        while (!all.isDone()) {
            long until = Math.min(deadline, stopDeadlineNanos);
            long remaining = until - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            try {
                all.get(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // keep waiting until the deadline; failures are read per row below
            }
        }
    }

    private void settle(Map<OutboxRow, CompletableFuture<Void>> sends, Map<OutboxRow, Route> routesByRow) {
        List<Long> published = new ArrayList<>();
        List<DeliveryFailure> failures = new ArrayList<>();
        List<Long> unfinished = new ArrayList<>();
        boolean stopping = System.nanoTime() - stopDeadlineNanos >= 0;
        Instant now = Instant.now();
        sends.forEach((row, future) -> {
            if (!future.isDone()) {
                if (stopping) {
                    unfinished.add(row.id());
                } else {
                    failures.add(new DeliveryFailure(row, "no acknowledgement within " + settings.sendTimeout()));
                }
            } else if (future.isCompletedExceptionally()) {
                failures.add(DeliveryFailure.of(row, cause(future)));
            } else {
                published.add(row.id());
                Route route = routesByRow.get(row);
                metrics.delivered(route.topic(), row.eventType(), Duration.between(row.createdAt(), now));
            }
        });
        store.markPublished(settings.owner(), published);
        if (!unfinished.isEmpty()) {
            store.release(settings.owner(), unfinished);
            LOG.info("Relay {} released {} unacknowledged rows at shutdown", settings.owner(), unfinished.size());
        }
        if (!failures.isEmpty()) {
            Map<Long, OutboxState> states = store.markFailed(settings.owner(), failures);
            for (DeliveryFailure failure : failures) {
                Route route = routesByRow.get(failure.row());
                if (states.get(failure.row().id()) == OutboxState.DEAD) {
                    metrics.dead(route.topic(), failure.row().eventType());
                    LOG.warn("Event {} ({}) is dead after {} attempts: {}", failure.row().eventId(),
                            failure.row().eventType(), failure.row().attempts() + 1, failure.error());
                } else {
                    metrics.retried(route.topic(), failure.row().eventType());
                }
            }
            LOG.warn("Relay {}: {} of {} sends failed, first: {}", settings.owner(), failures.size(), sends.size(),
                    failures.get(0).error());
        }
    }

    private static Throwable cause(CompletableFuture<Void> future) {
        try {
            future.join();
            return new IllegalStateException("completed normally");
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }
}
