package dev.mailroom.relay;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.operator.RelayHeartbeats;
import dev.mailroom.jdbc.publish.PublishSignals;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.loop.BackgroundLoop;
import dev.mailroom.loop.LeaseOwners;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.Route;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.transport.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one service's committed outbox rows through a {@link Transport}.
 *
 * <p><b>Lifecycle.</b> {@link #start()} checks every routed topic on the transport (a missing one
 * fails the start, naming it), returns expired leases to pending, and delivers due rows at once.
 * {@link #close()} stops claiming, waits for the batches in flight up to the shutdown timeout, and
 * gives back the rows not acknowledged by then (no row stays {@code sending} or locked).
 *
 * <p><b>Wake-up.</b> On PostgreSQL a dedicated connection {@code LISTEN}s on the service's channel;
 * every commit that inserted rows wakes the claim loop within milliseconds. A fallback poll
 * (default 30 s) covers lost notifications. An idle relay sends no query besides that poll and its
 * housekeeping every reap interval (heartbeat, expired leases; with a meter registry, the backlog
 * gauges on a thread of their own). Where
 * the database does not notify (MariaDB), the relay polls adaptively: every 5 ms while it finds
 * rows, doubling up to 500 ms while it finds none, and back to 5 ms as soon as a publisher in the
 * same JVM writes to its table ({@link Builder#pollInterval}).
 *
 * <p><b>Per-key order</b> (on by default). The claim hands out only the oldest undelivered row of
 * each key, and a row waiting for its retry stays the oldest undelivered row of its key, so events
 * of one key reach the transport one at a time in id order across any number of relays, while
 * other keys go on. A dead row no longer holds its key back, unless its route's poison policy is
 * {@link dev.mailroom.routing.PoisonPolicy#HOLD_KEY}: then the later rows of its key wait until an
 * operator skips or replays it. Rows without a key are not ordered.
 *
 * <p><b>Operators.</b> Each instance records a heartbeat (instance id, service, host, claim mode) in
 * {@code mailroom_relay_instances} every reap interval and marks it stopped when closed; with a
 * {@linkplain Builder#retention retention age}, a loop of its own removes delivered rows older
 * than it ({@link OutboxStore#retain}: in small batches of deletes, or on the time-partitioned
 * layout by dropping expired partitions). With a meter registry, another loop reads the backlog
 * gauges every reap interval from the pending and sending rows only.
 *
 * <p><b>Delivery.</b> A batch is sent without waiting between sends; then successes are marked
 * published in one statement and failures recorded in another (attempts + 1, backoff from the
 * retry policy, dead at max attempts). A send that is not acknowledged within the send timeout
 * counts as failed. Several relays may run side by side: claims use {@code SKIP LOCKED}. By default
 * ({@link ClaimMode#ROW_LOCK}) the rows stay locked by the claiming transaction until the batch is
 * settled in it (one row write per event); with {@link ClaimMode#LEASE} a committed lease holds
 * them and every settlement is fenced on the lease owner.
 */
public final class Relay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    public static final int DEFAULT_BATCH_SIZE = 500;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_FALLBACK_POLL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REAP_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LISTEN_RECONNECT_MAX = Duration.ofSeconds(10);
    /** Shortest sleep of a polling relay (no {@code NOTIFY}): right after it found rows. */
    public static final Duration DEFAULT_MIN_POLL = Duration.ofMillis(5);
    /** Longest sleep of a polling relay, reached by doubling while it finds nothing. */
    public static final Duration DEFAULT_MAX_POLL = Duration.ofMillis(500);
    /** How often retention looks for delivered rows past their age (when a retention age is set). */
    public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofMinutes(1);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    private final RelaySettings settings;
    private final ServiceRoute service;
    private final RouteRegistry routes;
    private final Transport transport;
    private final DeliveryCycle cycle;
    private final BackgroundLoop loop;
    private final BackgroundLoop retention;
    private final OutboxStore store;
    /** Reads the backlog for the gauges; null without a meter registry. */
    private final BackgroundLoop gauge;
    private final Heartbeat heartbeat;
    private final NotificationListener listener;
    private AutoCloseable publishSignals;
    private volatile boolean started;

    private Relay(Builder builder, RelaySettings settings) {
        this.settings = settings;
        this.routes = builder.routes;
        this.service = routes.service(settings.service());
        this.transport = builder.transport;
        // nothing the relay holds outlives its lease, even while the relay hangs (see README, "Claim modes")
        OutboxStore store = OutboxStore.create(builder.dataSource, builder.dialect, service.table(), builder.retryPolicy)
                .withLockTimeout(settings.lockTimeout());
        if (builder.asynchronousCommit) {
            store = store.withAsynchronousCommit();
        }
        if (builder.deletePublished) {
            store = store.withPublishedRowsDeleted();
        }
        Set<String> keyHoldingTypes = routes.keyHoldingTypesOf(service.name());
        if (!keyHoldingTypes.isEmpty()) {
            store = store.withKeysHeldByDeadEventsOf(keyHoldingTypes);
        }
        RelayMetrics metrics = builder.meterRegistry == null ? RelayMetrics.NOOP
                : new MicrometerRelayMetrics(builder.meterRegistry, service.name());
        this.heartbeat = new Heartbeat(RelayHeartbeats.create(builder.dataSource, builder.dialect), settings);
        this.store = store;
        // a batch's acknowledgements end the claim loop's wait (called only once the loop runs)
        this.cycle = new DeliveryCycle(settings, store, routes, transport, metrics, heartbeat, this::wake);
        Retention deleting = builder.retention == null ? null
                : new Retention(store, builder.retention, builder.retentionInterval, settings.owner());
        this.retention = deleting == null ? null : BackgroundLoop.scheduled("mailroom-retention-" + service.name(),
                builder.retentionInterval, ERROR_BACKOFF, deleting::runOnce);
        this.gauge = metrics == RelayMetrics.NOOP ? null : BackgroundLoop.scheduled("mailroom-backlog-" + service.name(),
                settings.reapInterval(), ERROR_BACKOFF, new BacklogGauge(store, metrics, settings.reapInterval())::runOnce);
        this.loop = BackgroundLoop.scheduled("mailroom-relay-" + service.name(), settings.fallbackPoll(),
                ERROR_BACKOFF, cycle::runOnce);
        this.listener = settings.listen()
                ? new NotificationListener(builder.dataSource::getConnection, service.notifyChannel(), loop::wake,
                        settings.listenReconnectMax(), "mailroom-listener-" + service.name())
                : null;
    }

    public static Builder builder(DataSource dataSource, RouteRegistry routes, Transport transport) {
        return new Builder(dataSource, routes, transport);
    }

    /**
     * Verifies the routed topics, then starts the claim loop (which first reclaims expired leases)
     * and the listener.
     *
     * @throws dev.mailroom.transport.MissingDestinationException when a routed topic is missing
     */
    public synchronized Relay start() {
        if (started) {
            throw new IllegalStateException("Relay " + settings.owner() + " is already started");
        }
        Set<String> topics = new LinkedHashSet<>();
        for (Route route : routes.routesOf(service.name())) {
            topics.add(route.topic());
        }
        transport.verifyDestinations(topics);
        warnWhenNotVacuumed();
        loop.start();
        if (retention != null) {
            retention.start();
        }
        if (gauge != null) {
            gauge.start();
        }
        if (listener != null) {
            listener.start();
        } else {
            // the signal comes at the write, before the commit: a pass run at once finds nothing and backs
            // off (measured on MariaDB at 1,000 events/s: commit-to-ack p99 93-130 ms when woken at once, against
            // 18 ms unsignalled), so the loop runs within the shortest poll instead, polling from there on
            publishSignals = PublishSignals.subscribe(service.table(), () -> {
                cycle.rowsWritten();
                loop.wakeWithin(settings.minPoll());
            });
        }
        started = true;
        LOG.info("Relay {} started for service {} (table {}, topics {}, {} wake-up)", settings.owner(),
                service.name(), service.table(), topics, listener != null ? "LISTEN/NOTIFY"
                        : "polling every " + settings.minPoll().toMillis() + "-" + settings.maxPoll().toMillis() + " ms");
        return this;
    }

    /** Warns when nothing removes the table's dead row versions; a check that fails is left out, never fatal. */
    private void warnWhenNotVacuumed() {
        try {
            store.whyNotVacuumed().ifPresent(why -> LOG.warn("Relay {}: the dead row versions of its outbox table are"
                    + " never removed ({}). Every delivered row leaves one, and so does every row retention deletes:"
                    + " the table and its pending index grow, and claims slow down as they walk them. Turn autovacuum"
                    + " on (PostgreSQL's default) or VACUUM the table on a schedule.", settings.owner(), why));
        } catch (RuntimeException e) {
            LOG.debug("Relay {} could not check whether its table is vacuumed: {}", settings.owner(), e.toString());
        }
    }

    /** Runs the claim loop now, as a notification would. */
    public void wake() {
        loop.wake();
    }

    public String owner() {
        return settings.owner();
    }

    /** How many listening connections the relay has opened (more than 1 after reconnects); 0 when not listening. */
    public int listenerConnections() {
        return listener == null ? 0 : listener.connectionsOpened();
    }

    /** Graceful shutdown; see the class comment. Does not close the transport. */
    @Override
    public synchronized void close() {
        if (!started) {
            return;
        }
        started = false;
        if (listener != null) {
            listener.close();
        }
        closeQuietly(publishSignals);
        if (retention != null) {
            retention.close();
        }
        cycle.stopBy(System.nanoTime() + settings.shutdownTimeout().toNanos());
        if (loop.stop(settings.shutdownTimeout().plusSeconds(5))) {
            try {
                cycle.finish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Relay {} could not settle its last batches ({}); their rows are resent (row locks end with"
                        + " the connection, leases when they expire)",
                        settings.owner(), e.toString());
            }
        } else {
            LOG.warn("Relay {} did not stop within {}; rows in flight come back when their locks or leases end",
                    settings.owner(), settings.shutdownTimeout());
        }
        heartbeat.stopped();
        if (gauge != null) {
            // last: while the database does not answer, its reading may hold it up to the connection timeout
            gauge.close();
        }
        LOG.info("Relay {} stopped", settings.owner());
    }

    private static void closeQuietly(AutoCloseable subscription) {
        if (subscription == null) {
            return;
        }
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("Could not unsubscribe from publish signals", e);
        }
    }

    /** Settings with the {@code DEFAULT_*} values; checked at {@link #build()}. */
    public static final class Builder {

        private final DataSource dataSource;
        private final RouteRegistry routes;
        private final Transport transport;
        private String service;
        private String owner;
        private String source;
        private SqlDialect dialect;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration lease = DEFAULT_LEASE;
        private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
        private Duration fallbackPoll = DEFAULT_FALLBACK_POLL;
        private Duration reapInterval = DEFAULT_REAP_INTERVAL;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration listenReconnectMax = DEFAULT_LISTEN_RECONNECT_MAX;
        private Duration minPoll = DEFAULT_MIN_POLL;
        private Duration maxPoll = DEFAULT_MAX_POLL;
        private boolean listen = true;
        private boolean orderByKey = true;
        private ClaimMode claimMode = ClaimMode.ROW_LOCK;
        private boolean deletePublished;
        private boolean asynchronousCommit = true;
        private MeterRegistry meterRegistry;
        private Duration retention;
        private Duration retentionInterval = DEFAULT_RETENTION_INTERVAL;

        private Builder(DataSource dataSource, RouteRegistry routes, Transport transport) {
            this.dataSource = Arguments.requireNonNull(dataSource, "dataSource");
            this.routes = Arguments.requireNonNull(routes, "routes");
            this.transport = Arguments.requireNonNull(transport, "transport");
        }

        /** The service whose outbox this relay drains (required). */
        public Builder service(String service) {
            this.service = service;
            return this;
        }

        /** The lease owner id; defaults to {@code <host/pid>-<random>}, unique per relay. */
        public Builder owner(String owner) {
            this.owner = owner;
            return this;
        }

        /** The CloudEvents source; defaults to {@code /mailroom/<service>}. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** The database's dialect; by default read from one connection at {@link #build()} ({@link SqlDialect#detect}). */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Arguments.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * The backoff between attempts. How many attempts a row gets is the row's own
         * {@code max_attempts}, set when it was published (default 20).
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Arguments.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Rows per claim, 1 to 10,000 (default {@value #DEFAULT_BATCH_SIZE}). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * How long a claim is held; must exceed the send timeout (default 30 s). With the send timeout
         * it also makes the relay's lock timeout ({@link OutboxStore#withLockTimeout}, lease + send
         * timeout): the database ends any transaction of the relay idle this long (a row-lock batch is
         * idle while sent) or running one statement this long, so a hung relay holds no row lock for
         * longer.
         */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** How long a batch waits for acknowledgements before unacknowledged sends count as failed (default 15 s). */
        public Builder sendTimeout(Duration sendTimeout) {
            this.sendTimeout = sendTimeout;
            return this;
        }

        /**
         * How often an idle relay that is notified of commits (PostgreSQL) looks for rows anyway,
         * covering lost notifications (default 30 s).
         */
        public Builder fallbackPoll(Duration fallbackPoll) {
            this.fallbackPoll = fallbackPoll;
            return this;
        }

        /** How often a busy relay reclaims expired leases and refreshes the backlog gauges (default 10 s). */
        public Builder reapInterval(Duration reapInterval) {
            this.reapInterval = reapInterval;
            return this;
        }

        /** How long {@link Relay#close()} waits for acknowledgements in flight (default 10 s). */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /** Longest wait between reconnect attempts of the listener (default 10 s). */
        public Builder listenReconnectMax(Duration listenReconnectMax) {
            this.listenReconnectMax = listenReconnectMax;
            return this;
        }

        /**
         * A relay not notified of commits (MariaDB, or {@code listen(false)}) polls adaptively: {@code min}
         * after a look that found rows (or after a publisher in this JVM wrote rows), doubling while it
         * finds nothing, up to {@code max} (defaults 5 ms and 500 ms).
         */
        public Builder pollInterval(Duration min, Duration max) {
            this.minPoll = min;
            this.maxPoll = max;
            return this;
        }

        /** Whether to {@code LISTEN} for commits where the database notifies (PostgreSQL; default true). Off: polling only. */
        public Builder listen(boolean listen) {
            this.listen = listen;
            return this;
        }

        /** Per-key ordering (default true). Off: rows are claimed in id order without regard to keys. */
        public Builder orderByKey(boolean orderByKey) {
            this.orderByKey = orderByKey;
            return this;
        }

        /**
         * How rows are held while sent (default {@link ClaimMode#ROW_LOCK}: one row write per event,
         * one pooled connection per batch in flight, so give the relay's pool at least four).
         * {@link ClaimMode#LEASE} keeps no transaction open while sending, at two row writes per event.
         */
        public Builder claimMode(ClaimMode claimMode) {
            this.claimMode = Arguments.requireNonNull(claimMode, "claimMode");
            return this;
        }

        /**
         * Delete rows once delivered instead of keeping them {@code published} (default false; see
         * {@link OutboxStore#withPublishedRowsDeleted()}): the cheapest settlement, at the price of
         * the table's history of delivered events.
         */
        public Builder deletePublished(boolean deletePublished) {
            this.deletePublished = deletePublished;
            return this;
        }

        /**
         * Commit the relay's bookkeeping without waiting for the log flush (default true; see
         * {@link OutboxStore#withAsynchronousCommit()}): a database crash may cause redelivery, never loss.
         */
        public Builder asynchronousCommit(boolean asynchronousCommit) {
            this.asynchronousCommit = asynchronousCommit;
            return this;
        }

        /** Removes delivered rows older than {@code keep}, checking every {@link #DEFAULT_RETENTION_INTERVAL}. */
        public Builder retention(Duration keep) {
            return retention(keep, DEFAULT_RETENTION_INTERVAL);
        }

        /**
         * Removes delivered rows (published, consumed, discarded) once they are older than
         * {@code keep}, checking every {@code interval} ({@link #DEFAULT_RETENTION_INTERVAL}); null
         * (the default) keeps them. Dead rows are kept until an operator acts. Several relays of one
         * service may each run it: deletes skip rows another holds. Each pass is
         * {@link OutboxStore#retain}: on a plain table it deletes rows in small batches; on the
         * time-partitioned layout (PostgreSQL) it creates partitions ahead, drops partitions whose
         * end is older than {@code keep} (counted from creation time; their pending, sending and dead
         * rows move to the default partition first) and deletes the default partition's delivered
         * rows.
         */
        public Builder retention(Duration keep, Duration interval) {
            this.retention = keep;
            this.retentionInterval = interval;
            return this;
        }

        /** Publish metrics to this registry (Micrometer is optional; without it, metrics cost nothing). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public Relay build() {
            if (service == null) {
                throw new IllegalArgumentException("service is required: the service whose outbox this relay drains");
            }
            routes.service(service);
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000, was " + batchSize);
            }
            requirePositive("lease", lease);
            requirePositive("sendTimeout", sendTimeout);
            requirePositive("fallbackPoll", fallbackPoll);
            requirePositive("reapInterval", reapInterval);
            requirePositive("shutdownTimeout", shutdownTimeout);
            requirePositive("listenReconnectMax", listenReconnectMax);
            requirePositive("minPoll", minPoll);
            requirePositive("maxPoll", maxPoll);
            if (maxPoll.compareTo(minPoll) < 0) {
                throw new IllegalArgumentException("maxPoll (" + maxPoll + ") must not be shorter than minPoll ("
                        + minPoll + ")");
            }
            if (retention != null) {
                requirePositive("retention", retention);
                requirePositive("retentionInterval", retentionInterval);
            }
            Set<String> keyHoldingTypes = routes.keyHoldingTypesOf(service);
            if (!orderByKey && !keyHoldingTypes.isEmpty()) {
                throw new IllegalArgumentException("event types " + new java.util.TreeSet<>(keyHoldingTypes)
                        + " have poison policy HOLD_KEY, which needs key-ordered claims (orderByKey(true))");
            }
            if (sendTimeout.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("sendTimeout (" + sendTimeout + ") must be shorter than lease ("
                        + lease + "), or leases would expire while sends are in flight");
            }
            String ownerId = owner != null ? owner : defaultOwner();
            if (ownerId.isBlank()) {
                throw new IllegalArgumentException("owner must not be blank");
            }
            if (dialect == null) {
                dialect = SqlDialect.detect(dataSource);
            }
            if (claimMode == ClaimMode.PARTITION_LEASE && sendTimeout.multipliedBy(2).compareTo(lease) > 0) {
                // the loop renews the partitions every lease / 3 between passes, and a pass may wait a send
                // timeout for acknowledgements: this keeps the leases of a healthy relay from expiring
                throw new IllegalArgumentException("claimMode PARTITION_LEASE needs sendTimeout (" + sendTimeout
                        + ") at most half the lease (" + lease + "), or its partition leases could expire while it"
                        + " waits for acknowledgements");
            }
            if (claimMode == ClaimMode.PARTITION_LEASE
                    && dialect.outbox(routes.service(service).table(), Set.of()).partitionLeases().isEmpty()) {
                throw new IllegalArgumentException("claimMode PARTITION_LEASE is built for PostgreSQL only, not for "
                        + dialect.name() + "; use ROW_LOCK or LEASE");
            }
            RelaySettings settings = new RelaySettings(service, ownerId,
                    source != null ? source : "/mailroom/" + service, batchSize, lease, sendTimeout, fallbackPoll,
                    minPoll, maxPoll, reapInterval, shutdownTimeout, listenReconnectMax,
                    listen && dialect.notifiesOnCommit(), orderByKey, claimMode);
            return new Relay(this, settings);
        }

        private static void requirePositive(String setting, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(setting + " must be positive, was " + value);
            }
        }

        private static String defaultOwner() {
            return LeaseOwners.newOwnerId();
        }
    }
}
