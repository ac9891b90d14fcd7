package dev.mailroom.relay;

import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.store.DeliveryFailure;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.routing.Route;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.UnknownEventTypeException;
import dev.mailroom.state.OutboxState;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import dev.mailroom.transport.UndeliverableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 * waiting for acknowledgements in between, then settle the batch (published, failed) the way its
 * {@link Claims} holds rows: in the transaction that locked them, or fenced on a committed lease.
 */
final class DeliveryCycle {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryCycle.class);
    /** Shortest sleep between passes when a row is about to become due: keeps a relay from spinning. */
    private static final Duration MIN_WAIT = Duration.ofMillis(5);
    /**
     * Longest sleep while rows wait (for a retry, or in another relay's hands): that relay may finish
     * its batch long before its lease expires, freeing keys this relay could deliver; marking rows
     * published sends no notification.
     */
    private static final Duration WAITING_ROWS_POLL = Duration.ofSeconds(1);
    /** Batches awaiting acknowledgement at once: the next claim overlaps the previous batch's broker round trip. */
    static final int MAX_BATCHES_IN_FLIGHT = 2;

    private final RelaySettings settings;
    private final OutboxStore store;
    private final Claims claims;
    private final RouteRegistry routes;
    private final Transport transport;
    private final RelayMetrics metrics;
    private final Heartbeat heartbeat;
    private final String source;
    /** Without notifications: the adaptive sleep when nothing was found; null when commits wake the relay. */
    private final IdlePolling polling;
    /** Ends the loop's wait: called when a batch's sends have all completed. */
    private final Runnable wakeLoop;
    private volatile long stopDeadlineNanos = Long.MAX_VALUE;
    private long nextHousekeepingNanos = System.nanoTime();
    /** Batches sent and not yet settled, oldest first; touched only by the loop's thread (then by {@link #finish()}). */
    private final Deque<InFlightBatch> inFlight = new ArrayDeque<>();

    DeliveryCycle(RelaySettings settings, OutboxStore store, RouteRegistry routes, Transport transport,
                  RelayMetrics metrics, Heartbeat heartbeat, Runnable wakeLoop) {
        this.settings = settings;
        this.wakeLoop = wakeLoop;
        this.store = store;
        this.claims = switch (settings.claimMode()) {
            case ROW_LOCK -> new RowLockClaims(store, settings);
            case LEASE -> new LeaseClaims(store, settings);
            case PARTITION_LEASE -> new PartitionLeaseClaims(store, settings);
        };
        this.routes = routes;
        this.transport = transport;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
        this.source = settings.source();
        this.polling = settings.listen() ? null : new IdlePolling(settings.minPoll(), settings.maxPoll());
    }

    /** Rows were found: when not notified, look again soon. */
    void rowsWritten() {
        if (polling != null) {
            polling.reset();
        }
    }

    /** From now on, a batch waits for acknowledgements at most until {@code deadline}, then gives its rows back. */
    void stopBy(long deadlineNanos) {
        stopDeadlineNanos = deadlineNanos;
    }

    /**
     * One pass. Settles, oldest first, the batches whose sends have all completed; claims and sends a
     * batch while fewer than {@value #MAX_BATCHES_IN_FLIGHT} batches await their acknowledgements, so
     * the next claim overlaps the previous batch's round trip to the broker (safe for ordering: rows in
     * flight are locked or {@code sending} and hold back their keys). Returns zero while there is work;
     * otherwise the time until the next retry or lease expiry, or the fallback poll when nothing waits,
     * and while batches await their acknowledgements no longer than the oldest one's send timeout:
     * their completion wakes the loop, and a notification of new rows makes it claim at once while
     * fewer than {@value #MAX_BATCHES_IN_FLIGHT} batches are out.
     */
    Duration runOnce() throws InterruptedException {
        housekeepingIfDue();
        settleAcknowledged();
        Optional<Duration> nextDue = Optional.empty();
        if (!stopRequested() && inFlight.size() < MAX_BATCHES_IN_FLIGHT) {
            long claimStart = System.nanoTime();
            Claims.Batch claim = claims.claim();
            if (!claim.rows().isEmpty()) {
                rowsWritten();
                metrics.batch(claim.rows().size());
                if (LOG.isDebugEnabled()) {
                    LOG.debug("Relay {}: claimed {} rows in {} us, {} batches in flight", settings.owner(),
                            claim.rows().size(), (System.nanoTime() - claimStart) / 1000, inFlight.size());
                }
                try {
                    dispatch(claim, claimStart);
                } catch (RuntimeException e) {
                    claim.abandon();
                    throw e;
                }
                return Duration.ZERO;
            }
            nextDue = claim.nextDueIn();
        }
        if (!inFlight.isEmpty() && mustAwaitOldest()) {
            awaitAndSettle(inFlight.removeFirst());
            return Duration.ZERO;
        }
        Duration wait = waitAfterNothingClaimed(nextDue);
        if (inFlight.isEmpty()) {
            return wait;
        }
        Duration untilTimeout = untilOldestTimesOut();
        return untilTimeout.compareTo(wait) < 0 ? untilTimeout : wait;
    }

    /**
     * Whether the loop blocks for the oldest batch's acknowledgements and settles it: when no other
     * batch may be claimed meanwhile (as many in flight as allowed, the relay stopping) or its send
     * timeout has passed. Otherwise the loop waits as after any pass that found nothing, and no longer
     * than that timeout; the batch's completion ends the wait, as a notification of new rows does.
     */
    private boolean mustAwaitOldest() {
        return inFlight.size() >= MAX_BATCHES_IN_FLIGHT || stopRequested() || untilOldestTimesOut().isZero();
    }

    private Duration untilOldestTimesOut() {
        long deadline = Math.min(inFlight.peekFirst().deadline(), stopDeadlineNanos);
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The wait after a claim that found nothing: until the next retry or lease expiry, or the fallback poll. */
    private Duration waitAfterNothingClaimed(Optional<Duration> nextDue) {
        if (stopRequested() || nextDue.isEmpty()) {
            return idle(settings.fallbackPoll());
        }
        if (nextDue.get().isZero()) {
            return store.reclaimExpiredLeases(settings.batchSize()) > 0 ? Duration.ZERO : MIN_WAIT;
        }
        Duration wait = nextDue.get().compareTo(MIN_WAIT) < 0 ? MIN_WAIT : nextDue.get();
        return idle(wait.compareTo(WAITING_ROWS_POLL) > 0 ? WAITING_ROWS_POLL : wait);
    }

    /**
     * The sleep after a pass that found nothing: {@code wait}, or sooner when polling says so, and
     * never past the next housekeeping (the heartbeat operators judge liveness by, lease reaping).
     */
    private Duration idle(Duration wait) {
        Duration untilHousekeeping = Duration.ofNanos(Math.max(0, nextHousekeepingNanos - System.nanoTime()));
        Duration capped = untilHousekeeping.compareTo(wait) < 0 ? untilHousekeeping : wait;
        if (polling == null) {
            return capped;
        }
        Duration poll = polling.next();
        return poll.compareTo(capped) < 0 ? poll : capped;
    }

    /** After the loop has stopped: waits for the batches still in flight (until the stop deadline) and settles them. */
    void finish() throws InterruptedException {
        RuntimeException first = null;
        while (!inFlight.isEmpty()) {
            try {
                awaitAndSettle(inFlight.removeFirst());
            } catch (RuntimeException e) {
                first = firstOf(first, e);
            }
        }
        try {
            claims.close();
        } catch (RuntimeException e) {
            first = firstOf(first, e);
        }
        if (first != null) {
            throw first;
        }
    }

    private static RuntimeException firstOf(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Waits for a batch's acknowledgements and settles it; on any error gives the batch up first. */
    private void awaitAndSettle(InFlightBatch batch) throws InterruptedException {
        try {
            awaitAcknowledgements(batch);
            settle(batch);
        } catch (InterruptedException | RuntimeException e) {
            batch.claim().abandon();
            throw e;
        }
    }

    /** Settles, oldest first, every batch whose sends have all completed. */
    private void settleAcknowledged() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().completed().isDone()) {
            settle(inFlight.removeFirst());
        }
    }

    private boolean stopRequested() {
        return stopDeadlineNanos != Long.MAX_VALUE;
    }

    /** Lease reaping and the heartbeat: at start, then at most every reap interval. */
    private void housekeepingIfDue() {
        long now = System.nanoTime();
        if (now - nextHousekeepingNanos < 0) {
            return;
        }
        nextHousekeepingNanos = now + settings.reapInterval().toNanos();
        heartbeat.beat();
        int reclaimed = store.reclaimExpiredLeases(settings.batchSize());
        if (reclaimed > 0) {
            LOG.info("Relay {} reclaimed {} rows whose lease expired", settings.owner(), reclaimed);
        }
    }

    private void dispatch(Claims.Batch claim, long claimedAt) {
        Map<OutboxRow, CompletableFuture<Void>> sends = new LinkedHashMap<>();
        Map<OutboxRow, Route> routesByRow = new LinkedHashMap<>();
        Map<OutboxRow, Refusal> unmappable = new LinkedHashMap<>();
        List<Long> notSent = new ArrayList<>();
        for (OutboxRow row : claim.rows()) {
            if (stopRequested()) {
                notSent.add(row.id());
                continue;
            }
            Route route = null;
            Envelope envelope;
            try {
                route = routes.route(row.eventType());
                if (!route.service().name().equals(settings.service())) {
                    throw new UndeliverableRowException("event type '" + row.eventType() + "' belongs to service '"
                            + route.service().name() + "', not to '" + settings.service() + "' whose outbox holds it");
                }
                envelope = EnvelopeMapper.toEnvelope(row, route, source);
            } catch (UnknownEventTypeException | UndeliverableRowException e) {
                claim.markDead(row, e.getMessage());
                unmappable.put(row, new Refusal(route == null ? "unrouted" : route.topic(), e.getMessage()));
                continue;
            }
            routesByRow.put(row, route);
            sends.put(row, send(envelope));
        }
        CompletableFuture<Void> completed = CompletableFuture.allOf(sends.values().toArray(CompletableFuture[]::new));
        inFlight.addLast(new InFlightBatch(claim, sends, completed, routesByRow, unmappable, notSent, claimedAt,
                System.nanoTime() + settings.sendTimeout().toNanos()));
        completed.whenComplete((acknowledged, failed) -> wakeLoop.run());
    }

    /**
     * A claimed batch whose sends are out ({@code completed} once every one has completed); settled once
     * acknowledged, failed or timed out.
     */
    private record InFlightBatch(Claims.Batch claim, Map<OutboxRow, CompletableFuture<Void>> sends,
                                 CompletableFuture<Void> completed, Map<OutboxRow, Route> routes,
                                 Map<OutboxRow, Refusal> unmappable, List<Long> notSent, long claimedAt, long deadline) {
    }

    /** A row marked dead before it was sent (it could not become an envelope): its topic tag and why. */
    private record Refusal(String topic, String reason) {
    }

    private CompletableFuture<Void> send(Envelope envelope) {
        try {
            return transport.send(envelope);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void awaitAcknowledgements(InFlightBatch batch) throws InterruptedException {
        CompletableFuture<Void> all = batch.completed();
        while (!all.isDone()) {
            long until = Math.min(batch.deadline(), stopDeadlineNanos);
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

    /**
     * Records a batch's outcome the way its claim holds the rows, then counts and logs it. Nothing is
     * counted when the settlement is refused (the rows are delivered again).
     */
    private void settle(InFlightBatch batch) {
        long settleStart = System.nanoTime();
        metrics.batchAcknowledged(Duration.ofNanos(settleStart - batch.claimedAt()));
        Outcomes outcomes = outcomes(batch);
        Map<Long, OutboxState> states;
        try {
            outcomes.undeliverable().forEach((row, reason) -> batch.claim().markDead(row, reason));
            states = batch.claim().settle(outcomes.publishedIds(), outcomes.failures(), outcomes.unfinished());
        } catch (StoreException e) {
            // e.g. the database ended the batch's session after the lock timeout while this relay hung
            batch.claim().abandon();
            int rows = batch.sends().size() + batch.notSent().size() + batch.unmappable().size();
            LOG.warn("Relay {} could not record the outcome of {} rows; they are delivered again once their locks or"
                    + " leases end: {}", settings.owner(), rows, e.getMessage());
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Relay {}: batch of {} acknowledged {} us after its claim, settled in {} us",
                    settings.owner(), batch.sends().size(), (settleStart - batch.claimedAt()) / 1000,
                    (System.nanoTime() - settleStart) / 1000);
        }
        report(batch, outcomes, states);
    }

    /** What became of each row of a batch, read from its sends. */
    private record Outcomes(List<OutboxRow> published, List<DeliveryFailure> failures, List<Long> unfinished,
                            Map<OutboxRow, String> undeliverable, Instant readAt) {

        List<Long> publishedIds() {
            List<Long> ids = new ArrayList<>(published.size());
            published.forEach(row -> ids.add(row.id()));
            return ids;
        }
    }

    private Outcomes outcomes(InFlightBatch batch) {
        List<OutboxRow> published = new ArrayList<>();
        List<DeliveryFailure> failures = new ArrayList<>();
        List<Long> unfinished = new ArrayList<>(batch.notSent());
        Map<OutboxRow, String> undeliverable = new LinkedHashMap<>();
        boolean stopping = System.nanoTime() - stopDeadlineNanos >= 0;
        batch.sends().forEach((row, future) -> {
            if (!future.isDone()) {
                if (stopping) {
                    unfinished.add(row.id());
                } else {
                    failures.add(new DeliveryFailure(row, "no acknowledgement within " + settings.sendTimeout()));
                }
            } else if (future.isCompletedExceptionally()) {
                Throwable cause = cause(future);
                if (cause instanceof UndeliverableException) {
                    undeliverable.put(row, DeliveryFailure.of(row, cause).error());
                } else {
                    failures.add(DeliveryFailure.of(row, cause));
                }
            } else {
                published.add(row);
            }
        });
        return new Outcomes(published, failures, unfinished, undeliverable, Instant.now());
    }

    private void report(InFlightBatch batch, Outcomes outcomes, Map<Long, OutboxState> states) {
        Map<OutboxRow, Route> routesByRow = batch.routes();
        for (OutboxRow row : outcomes.published()) {
            metrics.delivered(routesByRow.get(row).topic(), row.eventType(),
                    Duration.between(row.createdAt(), outcomes.readAt()));
        }
        batch.unmappable().forEach((row, refusal) -> {
            metrics.dead(refusal.topic(), row.eventType());
            LOG.warn("Event {} ({}) cannot be delivered as stored; marked dead: {}", row.eventId(), row.eventType(),
                    refusal.reason());
        });
        outcomes.undeliverable().forEach((row, reason) -> {
            metrics.dead(routesByRow.get(row).topic(), row.eventType());
            LOG.warn("Event {} ({}) is dead: the transport refused it for good: {}", row.eventId(), row.eventType(),
                    reason);
        });
        if (!outcomes.unfinished().isEmpty()) {
            LOG.info("Relay {} gave back {} unsent or unacknowledged rows at shutdown", settings.owner(),
                    outcomes.unfinished().size());
        }
        List<DeliveryFailure> failures = outcomes.failures();
        if (failures.isEmpty()) {
            return;
        }
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
        LOG.warn("Relay {}: {} of {} sends failed, first: {}", settings.owner(), failures.size(), batch.sends().size(),
                failures.get(0).error());
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
