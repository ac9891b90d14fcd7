package dev.mailroom.faults;

import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The consumers' side of the scenarios: the effect a handler applies (one row in {@code effects} per
 * event applied, no unique constraint, so a second effect shows), and what the consumer children in
 * other packages need from this one.
 */
public final class FaultEffects {

    public static final String GROUP = FaultRoutes.GROUP;
    public static final String EVENT_TYPE = FaultRoutes.EVENT_TYPE;

    /** The payload a consumer decodes; a poison payload's {@code seq} is not a number. */
    public record Effect(String key, long seq) {
    }

    private FaultEffects() {
    }

    /**
     * Consumer settings of a group member that is restarted after a kill: a static member id, so the
     * restarted process takes over the killed one's partitions at once instead of after the
     * killed one's session times out (45 s by default).
     */
    public static java.util.Map<String, Object> restartableMember() {
        return java.util.Map.of("group.instance.id", "fault-consumer", "session.timeout.ms", 6000);
    }

    public static RouteRegistry routes(String topic) {
        return FaultRoutes.of(topic);
    }

    public static void exitWithParent() {
        ChildMain.exitWithParent();
    }

    public static void marker(String text) {
        ChildMain.marker(text);
    }

    static void createTable(TestDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE effects (event_id uuid NOT NULL, event_key text NOT NULL, seq bigint NOT NULL)");
        }
    }

    /** Applies one effect on the handler's transaction (never commits: the caller's transaction does). */
    public static void apply(Connection transaction, UUID eventId, Effect effect) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement(
                "INSERT INTO effects (event_id, event_key, seq) VALUES (?, ?, ?)")) {
            insert.setObject(1, eventId);
            insert.setString(2, effect.key());
            insert.setLong(3, effect.seq());
            insert.executeUpdate();
        }
    }

    /** The event id of every effect row. */
    static List<UUID> read(TestDatabase database) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT event_id FROM effects")) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    static long distinctEvents(TestDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(DISTINCT event_id) FROM effects")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
