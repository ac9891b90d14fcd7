package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.TOPIC;
import static dev.mailroom.relay.RelayFixture.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.relay.PausableRelayMain.PausePoint;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.transport.InProcessTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A relay process really stopped ({@code SIGSTOP}) while it holds rows: the database ends its
 * transaction after the lock timeout (PostgreSQL {@code idle_in_transaction_session_timeout},
 * MariaDB {@code idle_transaction_timeout}, set per relay transaction by the dialect), another
 * relay delivers everything meanwhile, and the stopped one, once continued, changes nothing. Run on
 * each database by {@link HungRelayPostgresTest} and {@link HungRelayMariaDbTest}.
 */
abstract class HungRelayContract extends EmptyOutboxContract {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(1);
    /** What the relay sets as its transactions' idle and statement timeouts. */
    private static final Duration LOCK_TIMEOUT = LEASE.plus(SEND_TIMEOUT);
    private static final int EVENTS = 200;
    private static final int KEYS = 10;

    private final List<String> childOutput = new CopyOnWriteArrayList<>();
    private Process child;

    HungRelayContract(TestDatabase database) {
        super(database);
    }

    @AfterEach
    void neverLeaveAStoppedProcessBehind() throws Exception {
        if (child != null && child.isAlive()) {
            signal("CONT");
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("the child relay ended").isTrue();
        }
    }

    @ParameterizedTest(name = "{0} relay stopped {1}")
    @CsvSource({"ROW_LOCK, SEND", "ROW_LOCK, COMMIT", "LEASE, COMMIT"})
    void aStoppedRelayHoldsNothingPastItsLockTimeoutAndChangesNothingWhenContinued(ClaimMode mode, PausePoint pausePoint)
            throws Exception {
        List<UUID> ids = outbox.publish(EVENTS, "key-", KEYS);
        startChild(mode, pausePoint);
        String pauseLine = pausePoint == PausePoint.SEND ? "SENDING " : "COMMITTING";
        await().atMost(Duration.ofSeconds(60)).until(() -> childPrinted(pauseLine));
        signal("STOP");
        long stoppedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> processState() == 'T');

        Map<String, List<Integer>> sequencesByKey = new ConcurrentHashMap<>();
        List<UUID> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, envelope -> {
            received.add(envelope.eventId());
            sequencesByKey.computeIfAbsent(envelope.key(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(sequence(envelope));
        });
        try (Relay survivor = outbox.relay(transport).owner("survivor").claimMode(mode).lease(LEASE)
                .sendTimeout(SEND_TIMEOUT).build().start()) {
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(2)).until(received::isEmpty);
            await("every row published by the survivor within the lock timeout + 5 s of the stop")
                    .atMost(LOCK_TIMEOUT.plusSeconds(5).minusNanos(System.nanoTime() - stoppedAt))
                    .until(() -> outbox.count("status = 'published'") == EVENTS);
            assertThat(processState()).as("the child relay is still stopped").isEqualTo('T');
            System.out.printf("%s relay stopped %s: the survivor delivered everything %d ms after the stop%n", mode,
                    pausePoint, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt));
        }
        assertThat(received).as("each event once, by the survivor").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(sequencesByKey).hasSize(KEYS);
        sequencesByKey.forEach((key, sequences) -> assertThat(sequences).as(key).isSorted());
        String settled = rowStates();

        continueChild();
        await("the continued relay's settlement failing").atMost(Duration.ofSeconds(20))
                .until(() -> childPrinted("could not record the outcome"));
        assertThat(rowStates()).as("the continued relay changed nothing").isEqualTo(settled);

        List<UUID> later = outbox.publish(1, "key-", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> childPrinted("SENT " + later.get(0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.count("status = 'published'") == EVENTS + 1);
    }

    private void startChild(ClaimMode mode, PausePoint pausePoint) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PausableRelayMain.class.getName(),
                outbox.database.jdbcUrl(), outbox.database.user(), outbox.database.password(), mode.name(), pausePoint.name(), Long.toString(LEASE.toMillis()),
                Long.toString(SEND_TIMEOUT.toMillis()))
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    childOutput.add(line);
                    System.out.println("child: " + line);
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "child-relay-output");
        reader.setDaemon(true);
        reader.start();
    }

    private boolean childPrinted(String text) {
        return childOutput.stream().anyMatch(line -> line.contains(text));
    }

    /** Lets the child past its pause point, then continues it. */
    private void continueChild() throws Exception {
        Writer stdin = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        stdin.write("go\n");
        stdin.flush();
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(child.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    /** The child's state letter from /proc: 'T' while stopped. */
    private char processState() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(child.pid()), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
    }

    /** Every row's id, state, publication time and attempts, to compare before and after the child continues. */
    private String rowStates() throws Exception {
        StringJoiner rows = new StringJoiner(",");
        try (var connection = outbox.database.dataSource().getConnection();
             var statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT id, status, published_at, attempts FROM orders_outbox ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + ":" + rs.getString(2) + ":" + rs.getString(3) + ":" + rs.getInt(4));
            }
        }
        return rows.toString();
    }
}
