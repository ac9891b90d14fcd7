package dev.mailroom.jdbc.operator;

import dev.mailroom.internal.Arguments;
import dev.mailroom.jdbc.dialect.OperationsSql;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.StoreErrors;
import dev.mailroom.jdbc.internal.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The relays' heartbeats ({@code mailroom_relay_instances}): each relay instance refreshes its row
 * while it runs and marks it stopped when it shuts down gracefully; operators read which instances
 * are alive and which are gone.
 */
public final class RelayHeartbeats {

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final OperationsSql sql;

    private RelayHeartbeats(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.sql = dialect.operations();
    }

    public static RelayHeartbeats create(DataSource dataSource, SqlDialect dialect) {
        Arguments.requireNonNull(dataSource, "dataSource");
        Arguments.requireNonNull(dialect, "dialect");
        return new RelayHeartbeats(dataSource, dialect);
    }

    /** Records that an instance runs now (its row is created the first time). */
    public void beat(String instanceId, String service, String host, String claimMode) {
        run("record a relay heartbeat", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.heartbeat())) {
                statement.setString(1, instanceId);
                statement.setString(2, service);
                statement.setString(3, host);
                statement.setString(4, claimMode);
                return statement.executeUpdate();
            }
        });
    }

    /** Records that an instance stopped gracefully. */
    public void stopped(String instanceId) {
        run("record a relay stop", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.instanceStopped())) {
                statement.setString(1, instanceId);
                return statement.executeUpdate();
            }
        });
    }

    /** Every instance recorded, by service and start time, with how long each has been silent. */
    public List<RelayInstance> instances() {
        return run("read the relay instances", connection -> {
            List<RelayInstance> instances = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(sql.instances());
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    Instant lastSeen = dialect.getInstant(rs, 6);
                    Instant now = dialect.getInstant(rs, 8);
                    Duration silent = Duration.between(lastSeen, now);
                    instances.add(new RelayInstance(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            dialect.getInstant(rs, 5), lastSeen, silent.isNegative() ? Duration.ZERO : silent,
                            dialect.getInstant(rs, 7)));
                }
            }
            return instances;
        });
    }

    /** Forgets instances not heard from since {@code cutoff}; returns how many. */
    public int forgetSilentSince(Instant cutoff) {
        return run("forget relay instances", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.forgetInstances())) {
                dialect.setInstant(statement, 1, cutoff);
                return statement.executeUpdate();
            }
        });
    }

    private <T> T run(String operation, Transactions.SqlWork<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw StoreErrors.translate(dialect, "mailroom_relay_instances", operation, e);
        }
    }
}
