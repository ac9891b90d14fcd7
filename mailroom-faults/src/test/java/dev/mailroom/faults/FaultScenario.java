package dev.mailroom.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.relay.ClaimMode;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.TestDatabases;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every scenario shares: a fresh database and topic, the producer, the topic reader, the child
 * JVMs (killed after each test, whatever happened), and the end: read the topic to its end, check
 * the history, print and write the {@link FaultReport} to {@code target/fault-reports}.
 */
@WithKafka
abstract class FaultScenario {

    static final int PARTITIONS = 4;
    static final Path REPORTS = Path.of("target", "fault-reports");

    protected final long seed = Scale.seed();
    protected final Random random = new Random(seed);
    protected final History history = new History();
    protected final List<ChildJvm> children = new ArrayList<>();
    protected KafkaBroker broker;
    protected TestDatabase database;
    protected String topic;
    protected OutboxPublisher publisher;
    private TopicReader reader;

    /** The database of the scenario: a fresh PostgreSQL schema unless a scenario says otherwise. */
    TestDatabase openDatabase() {
        return TestDatabases.freshPostgresSchema(getClass().getSimpleName());
    }

    @BeforeEach
    void freshOutboxAndTopic(KafkaBroker broker) {
        this.broker = broker;
        this.database = openDatabase();
        this.topic = "faults-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        broker.createTopic(topic, PARTITIONS);
        new SchemaMigrator(database.dataSource(), SqlDialect.detect(database.dataSource())).migrate(FaultRoutes.of(topic));
        this.publisher = OutboxPublisher.builder(FaultRoutes.of(topic)).build();
        this.reader = new TopicReader(broker, topic, PARTITIONS, history).start();
    }

    @AfterEach
    void nothingLeftBehind() throws InterruptedException {
        children.forEach(ChildJvm::close);
        reader.close();
        database.close();
    }

    /** Starts a relay in a child JVM and waits until it runs. */
    ChildJvm relay(String owner, ClaimMode mode, Duration lease) {
        return child(owner, RelayMain.class, relayJdbcUrl(), mode.name(), Long.toString(lease.toMillis()), owner);
    }

    /** A named point where an inbox consumer child stops now and then (printing {@code @<name>}), or none. */
    enum ConsumerPoint {
        NONE, BETWEEN_COMMITS, AFTER_OFFSET_COMMIT;

        String marker() {
            return "@" + name();
        }
    }

    /** Starts Mailroom's inbox consumer in a child JVM; it stops at {@code point} now and then. */
    ChildJvm inboxConsumer(String name, ConsumerPoint point) {
        return child(name, dev.mailroom.consumer.InboxConsumerMain.class, database.jdbcUrl(), point.name(),
                Long.toString(random.nextLong()));
    }

    /**
     * Starts {@code main} in a child JVM with the arguments every child takes first (JDBC URL, user,
     * password, bootstrap servers, topic; the URL given first in {@code extra}), then the rest of
     * {@code extra}, and waits until it prints {@code @STARTED}.
     */
    ChildJvm child(String name, Class<?> main, String jdbcUrl, String... extra) {
        ChildJvm child = launch(name, main, jdbcUrl, extra);
        child.awaitMarker("@STARTED", Duration.ofSeconds(60));
        return child;
    }

    /** {@link #child} without waiting for it to start. */
    ChildJvm launch(String name, Class<?> main, String jdbcUrl, String... extra) {
        List<String> args = new ArrayList<>(List.of(jdbcUrl, database.user(), database.password(),
                broker.bootstrapServers(), topic));
        args.addAll(List.of(extra));
        ChildJvm child = ChildJvm.start(getClass().getSimpleName() + "-" + name, main, args);
        children.add(child);
        return child;
    }

    String databaseProduct() {
        return database.jdbcUrl().startsWith("jdbc:mariadb:") ? "MariaDB" : "PostgreSQL";
    }

    /** The relays' sessions are named {@code <schema>_relay} on PostgreSQL, so a test can find and end them. */
    String relayJdbcUrl() {
        return database.jdbcUrl().replace("ApplicationName=" + database.name(), "ApplicationName=" + relayApplicationName());
    }

    String relayApplicationName() {
        return database.name() + "_relay";
    }

    EventProducer producer(EventProducer.Plan plan) {
        return new EventProducer(database, publisher, history, random.nextLong(), plan).start();
    }

    EventProducer.Plan standardPlan() {
        return new EventProducer.Plan(Scale.events(), Scale.keys(), perSecond(), 0.05, 0);
    }

    int perSecond() {
        return Scale.perSecond(databaseProduct().equals("MariaDB"));
    }

    void fault(String description) {
        history.fault(System.currentTimeMillis(), description);
    }

    /** A fault that lasts: {@code stop}, wait {@code outage}, then {@code start} (even when the wait is interrupted). */
    void outage(String description, Runnable stop, Duration outage, Runnable start) {
        fault(description);
        stop.run();
        try {
            Pacing.wait(outage);
        } finally {
            start.run();
        }
    }

    void faultsEnded() {
        history.faultsEnded(System.currentTimeMillis());
    }

    /**
     * Waits until every committed event is on the topic: {@code atMost}, plus a second per 1,000
     * events for a backlog on a machine other builds share (recovery is asserted on the report).
     */
    void awaitEveryCommittedEventDelivered(Duration atMost) {
        Awaitility.await("every committed event on the topic").atMost(atMost.plusSeconds(Scale.events() / 1_000))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> history.committedDelivered() == history.committed());
    }

    /**
     * Waits until every committed event that is not poison has an effect: {@code atMost}, plus a
     * second per 1,000 events for the inbox worker, which applies events more slowly than the relay
     * delivers them.
     */
    void awaitEveryEffectApplied(Duration atMost) {
        long due = history.produced().stream().filter(event -> event.committed() && !event.poison()).count();
        Awaitility.await("every committed event applied").atMost(atMost.plusSeconds(Scale.events() / 1_000))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> FaultEffects.distinctEvents(database) == due);
    }

    /**
     * The end of a scenario whose {@code faults} relay faults are over: the producer done, every
     * event delivered, the report safe, every fault in it, and recovery within the lease + 10 s.
     */
    FaultReport endAfterRelayFaults(EventProducer producer, Duration lease, String scenario, int faults)
            throws InterruptedException {
        faultsEnded();
        producer.awaitDone();
        awaitEveryCommittedEventDelivered(lease.plusSeconds(60));
        FaultReport report = finish(scenario);
        assertThat(report.faults()).as("faults in the report").isEqualTo(faults);
        assertSafeAndLive(report, lease.plusSeconds(10));
        return report;
    }

    /** Stops every child, reads the topic to its end, checks the history and reports. */
    FaultReport finish(String scenario) {
        children.forEach(ChildJvm::close);
        reader.awaitCaughtUp(Duration.ofSeconds(30));
        FaultReport report = HistoryChecker.check(scenario + " [" + databaseProduct() + ", seed " + seed
                + (Scale.full() ? ", full" : "") + "]", history);
        System.out.println("FAULT REPORT " + report.details());
        report.writeTo(REPORTS);
        return report;
    }

    /** Zero lost, aborted reads, inversions and double effects; everything delivered within {@code recovery} of the last fault. */
    static void assertSafeAndLive(FaultReport report, Duration recovery) {
        assertThat(report.safe()).as(report.details()).isTrue();
        assertThat(report.committed()).as("events committed").isGreaterThanOrEqualTo(Scale.events());
        assertThat(report.recoveryMillis()).as("recovery after the last fault: " + report.summary())
                .isBetween(0L, recovery.toMillis());
    }
}
