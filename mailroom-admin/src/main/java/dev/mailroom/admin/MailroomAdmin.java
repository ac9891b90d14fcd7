package dev.mailroom.admin;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.AuditLog;
import dev.mailroom.jdbc.operator.AuditRecord;
import dev.mailroom.jdbc.operator.HeldKey;
import dev.mailroom.jdbc.operator.MessageFilter;
import dev.mailroom.jdbc.operator.MessagePage;
import dev.mailroom.jdbc.operator.MoveResult;
import dev.mailroom.jdbc.operator.MovePreview;
import dev.mailroom.jdbc.operator.OperatorMove;
import dev.mailroom.jdbc.operator.OperatorStore;
import dev.mailroom.jdbc.operator.PageRequest;
import dev.mailroom.jdbc.operator.RelayHeartbeats;
import dev.mailroom.jdbc.operator.RelayInstance;
import dev.mailroom.jdbc.operator.Selection;
import dev.mailroom.jdbc.store.OutboxCounts;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.ledger.AuditEntry;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.ledger.LedgerFilter;
import dev.mailroom.ledger.LedgerItem;
import dev.mailroom.ledger.LedgerState;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.ServiceRoute;
import dev.mailroom.routing.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators see and repair, for every service of a route registry and every consumer group
 * inbox it is given: an overview per outbox and inbox, search and read rows, replay, discard and
 * skip dead ones (with a preview first, and an audit record with every write), held keys, relay
 * instances, the compensation ledger's triage, and the audit trail. It works on the database only:
 * never through a relay or a broker. The server, the CLI (through the server), the dashboard and
 * the Spring Boot starter all call this class; none writes SQL of its own.
 *
 * <p>Writes are refused ({@link WritesDisabledException}) unless {@linkplain Builder#writesEnabled
 * enabled}. Every write is idempotent and safe while relays run (see {@link OperatorStore}).
 */
public final class MailroomAdmin {

    /** How long a relay instance may go without a heartbeat before the overview shows it as gone. */
    public static final Duration DEFAULT_RELAY_EXPIRY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(MailroomAdmin.class);

    private final Map<Mailbox, Box> boxes;
    private final AuditLog audit;
    private final RelayHeartbeats heartbeats;
    private final CompensationLedger ledger;
    private final boolean writesEnabled;
    private final Duration relayExpiry;
    private volatile boolean heartbeatsMissingLogged;

    /** One table operators look into, and the stores that read and change it. */
    private record Box(Mailbox mailbox, ServiceRoute service, OutboxStore store, OperatorStore operator) {
    }

    private MailroomAdmin(Builder builder, SqlDialect dialect) {
        Map<Mailbox, Box> tables = new LinkedHashMap<>();
        for (ServiceRoute service : builder.routes.services()) {
            Mailbox mailbox = Mailbox.outbox(service.name());
            tables.put(mailbox, box(builder.dataSource, dialect, mailbox, service, service.table(),
                    service.notifyChannel()));
        }
        builder.inboxes.forEach((group, table) -> {
            Mailbox mailbox = Mailbox.inbox(group);
            tables.put(mailbox, box(builder.dataSource, dialect, mailbox, null, table, "mailroom_" + table.name()));
        });
        this.boxes = Map.copyOf(tables);
        this.audit = AuditLog.create(builder.dataSource, dialect);
        this.heartbeats = RelayHeartbeats.create(builder.dataSource, dialect);
        this.ledger = builder.ledger;
        this.writesEnabled = builder.writesEnabled;
        this.relayExpiry = builder.relayExpiry;
    }

    private static Box box(DataSource dataSource, SqlDialect dialect, Mailbox mailbox, ServiceRoute service,
                           TableName table, String channel) {
        return new Box(mailbox, service, OutboxStore.create(dataSource, dialect, table, RetryPolicy.defaults()),
                OperatorStore.create(dataSource, dialect, table, mailbox.target(), channel));
    }

    public static Builder builder(DataSource dataSource, RouteRegistry routes) {
        return new Builder(dataSource, routes);
    }

    public boolean writesEnabled() {
        return writesEnabled;
    }

    /** The outboxes, then the inboxes, as configured. */
    public List<Mailbox> mailboxes() {
        List<Mailbox> all = new ArrayList<>(boxes.keySet());
        all.sort((a, b) -> a.kind() != b.kind() ? a.kind().compareTo(b.kind()) : a.name().compareTo(b.name()));
        return all;
    }

    /** The overview of every outbox and inbox. Counting reads each table's status column whole. */
    public List<MailboxOverview> overview() {
        List<RelayInstance> relays = relays();
        List<MailboxOverview> overviews = new ArrayList<>();
        for (Mailbox mailbox : mailboxes()) {
            overviews.add(overview(boxes.get(mailbox), relays));
        }
        return overviews;
    }

    /** The overview of one outbox or inbox. */
    public MailboxOverview overview(Mailbox mailbox) {
        Box box = box(mailbox);
        return overview(box, box.service() == null ? List.of() : relays());
    }

    private MailboxOverview overview(Box box, List<RelayInstance> relays) {
        OutboxCounts counts = box.store().counts();
        List<RelayInstance> own = box.service() == null ? List.of()
                : relays.stream().filter(relay -> relay.service().equals(box.service().name())).toList();
        return new MailboxOverview(box.mailbox(), box.store().table().qualified(), counts.byState(),
                counts.oldestUndeliveredAge(), box.operator().retrying(), box.operator().holding(), own);
    }

    /**
     * Every relay instance that heartbeats, alive or gone (judged by {@link Builder#relayExpiry});
     * empty, with one warning logged, when the heartbeat table was never created.
     */
    public List<RelayInstance> relays() {
        try {
            return heartbeats.instances();
        } catch (StoreException e) {
            if (!heartbeatsMissingLogged) {
                heartbeatsMissingLogged = true;
                LOG.warn("Relay instances are unknown: {} (run the migrations, which create mailroom_relay_instances)",
                        e.getMessage());
            }
            return List.of();
        }
    }

    /** How long an instance may stay silent and still count as alive. */
    public Duration relayExpiry() {
        return relayExpiry;
    }

    public MessagePage search(Mailbox mailbox, MessageFilter filter, PageRequest page) {
        return box(mailbox).operator().search(filter, page);
    }

    public long count(Mailbox mailbox, MessageFilter filter) {
        return box(mailbox).operator().count(filter);
    }

    public Optional<OutboxRow> find(Mailbox mailbox, long id) {
        return box(mailbox).operator().find(id);
    }

    public Optional<OutboxRow> find(Mailbox mailbox, java.util.UUID eventId) {
        return box(mailbox).operator().find(eventId);
    }

    /** What a move would change now; changes nothing, allowed while read-only. */
    public MovePreview preview(Mailbox mailbox, OperatorMove move, Selection selection) {
        return box(mailbox).operator().preview(move, selection);
    }

    /** Makes the move, with its audit record in the same transaction. */
    public MoveResult apply(Mailbox mailbox, OperatorMove move, Selection selection, Actor actor) {
        Box box = box(mailbox);
        requireWrites(move.action() + " on " + mailbox.target());
        return box.operator().apply(move, selection, actor);
    }

    public List<HeldKey> heldKeys(Mailbox mailbox, int limit) {
        return box(mailbox).operator().heldKeys(limit);
    }

    /** Audit records newest first, of one target and action when given (null: any). */
    public List<AuditRecord> audit(String target, String action, Long before, int limit) {
        return audit.read(target, action, before, limit);
    }

    /** Whether a compensation ledger is configured. */
    public boolean hasLedger() {
        return ledger != null;
    }

    public List<LedgerItem> ledgerItems(LedgerFilter filter) {
        return ledger().list(filter);
    }

    public Optional<LedgerItem> ledgerItem(long id) {
        return ledger().find(id);
    }

    /** An item's changes, oldest first: who, when, from which state to which, why (the ledger's own audit trail). */
    public List<AuditEntry> ledgerTrail(long id) {
        return ledger().auditTrail(id);
    }

    public LedgerState resolve(long id, long expectedVersion, Actor actor) {
        requireWrites("resolve ledger item " + id);
        return ledger().resolve(id, expectedVersion, actor.name(), actor.reason());
    }

    public LedgerState abandon(long id, long expectedVersion, Actor actor) {
        requireWrites("abandon ledger item " + id);
        return ledger().abandon(id, expectedVersion, actor.name(), actor.reason());
    }

    public LedgerState retryNow(long id, long expectedVersion, Actor actor) {
        requireWrites("retry ledger item " + id);
        return ledger().retryNow(id, expectedVersion, actor.name(), actor.reason());
    }

    private CompensationLedger ledger() {
        if (ledger == null) {
            throw new NoLedgerException();
        }
        return ledger;
    }

    private void requireWrites(String operation) {
        if (!writesEnabled) {
            throw new WritesDisabledException(operation);
        }
    }

    private Box box(Mailbox mailbox) {
        Arguments.requireNonNull(mailbox, "mailbox");
        Box box = boxes.get(mailbox);
        if (box == null) {
            List<String> known = boxes.keySet().stream().filter(m -> m.kind() == mailbox.kind()).map(Mailbox::name)
                    .sorted().toList();
            throw new UnknownMailboxException(mailbox, known);
        }
        return box;
    }

    /** Settings with the {@code DEFAULT_*} values; checked at {@link #build()}. */
    public static final class Builder {

        private final DataSource dataSource;
        private final RouteRegistry routes;
        private final Map<String, TableName> inboxes = new LinkedHashMap<>();
        private SqlDialect dialect;
        private CompensationLedger ledger;
        private boolean writesEnabled;
        private Duration relayExpiry = DEFAULT_RELAY_EXPIRY;

        private Builder(DataSource dataSource, RouteRegistry routes) {
            this.dataSource = Arguments.requireNonNull(dataSource, "dataSource");
            this.routes = Arguments.requireNonNull(routes, "routes");
        }

        /** The database's dialect; read from the data source at {@link #build()} unless given. */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Arguments.requireNonNull(dialect, "dialect");
            return this;
        }

        /** A consumer group's inbox table to show and repair beside the outboxes. */
        public Builder inbox(String group, String table) {
            Arguments.requireNonNull(group, "group");
            if (group.isBlank()) {
                throw new IllegalArgumentException("inbox group must not be blank");
            }
            inboxes.put(group, TableName.of(table));
            return this;
        }

        /** The compensation ledger whose items operators triage. */
        public Builder ledger(CompensationLedger ledger) {
            this.ledger = Arguments.requireNonNull(ledger, "ledger");
            return this;
        }

        /** Allows operator writes (replay, discard, skip, ledger changes); off by default: read-only. */
        public Builder writesEnabled(boolean writesEnabled) {
            this.writesEnabled = writesEnabled;
            return this;
        }

        /** How long a relay instance may go without a heartbeat and still show as alive. */
        public Builder relayExpiry(Duration relayExpiry) {
            if (relayExpiry == null || relayExpiry.isNegative() || relayExpiry.isZero()) {
                throw new IllegalArgumentException("relayExpiry must be positive, was " + relayExpiry);
            }
            this.relayExpiry = relayExpiry;
            return this;
        }

        public MailroomAdmin build() {
            return new MailroomAdmin(this, dialect != null ? dialect : SqlDialect.detect(dataSource));
        }
    }
}
