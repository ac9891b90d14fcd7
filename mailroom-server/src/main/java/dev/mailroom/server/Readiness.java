package dev.mailroom.server;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * What {@code /health/ready} reports: the database answers (a pooled connection is valid), the
 * broker answers (cluster metadata), and each configured relay runs.
 */
public final class Readiness {

    private static final int DATABASE_TIMEOUT_SECONDS = 3;

    private final DataSource dataSource;
    private final BrokerCheck broker;
    private final Set<String> relays;
    private final Predicate<String> relayRunning;

    Readiness(DataSource dataSource, BrokerCheck broker, Set<String> relays, Predicate<String> relayRunning) {
        this.dataSource = dataSource;
        this.broker = broker;
        this.relays = Set.copyOf(relays);
        this.relayRunning = relayRunning;
    }

    /** One check's outcome per component; ready when every one is up. */
    public record Report(boolean database, boolean broker, Map<String, Boolean> relays) {
        public boolean ready() {
            return database && broker && relays.values().stream().allMatch(Boolean::booleanValue);
        }
    }

    public Report check() {
        Map<String, Boolean> relayStates = new LinkedHashMap<>();
        relays.stream().sorted().forEach(service -> relayStates.put(service, relayRunning.test(service)));
        return new Report(databaseAnswers(), broker.reachable(), relayStates);
    }

    private boolean databaseAnswers() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(DATABASE_TIMEOUT_SECONDS);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
