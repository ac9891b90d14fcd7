package dev.mailroom.jdbc.dialect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Partition-leased claims on one outbox table, each operation on the caller's connection inside the
 * caller's transaction (never committing); statements from {@link PartitionLeaseSql}.
 */
public final class PartitionLeaseOperations {

    /** A locked row and the partition it falls into. */
    public record PartitionedRow<R>(R row, int partition) {
    }

    /**
     * What a claim within leased partitions passes by: the partitions it may claim from, rows and
     * keys the claimer holds in other batches (locked rows, and keys with a row in flight).
     */
    public record PartitionClaim(Collection<Integer> partitions, Collection<Long> heldIds, Collection<String> heldKeys,
                                 int limit) {
    }

    private final PartitionLeaseSql sql;
    private final Set<String> keyHoldingTypes;

    PartitionLeaseOperations(PartitionLeaseSql sql, Set<String> keyHoldingTypes) {
        this.sql = sql;
        this.keyHoldingTypes = Set.copyOf(keyHoldingTypes);
    }

    /**
     * Locks the oldest due pending rows of the claim's partitions in id order, waiting for rows
     * another transaction holds (a former owner's batch) instead of skipping them; rows waiting for
     * a retry, leased, or held by a dead row hold back their key.
     */
    public <R> List<PartitionedRow<R>> lock(Connection connection, PartitionClaim claim,
                                            OutboxOperations.RowMapper<R> mapper) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                keyHoldingTypes.isEmpty() ? sql.lock() : sql.lockHolding())) {
            int index = 1;
            statement.setArray(index++, connection.createArrayOf("int", claim.partitions().toArray(new Integer[0])));
            statement.setArray(index++, connection.createArrayOf("bigint", claim.heldIds().toArray(new Long[0])));
            statement.setArray(index++, connection.createArrayOf("text", claim.heldKeys().toArray(new String[0])));
            if (!keyHoldingTypes.isEmpty()) {
                statement.setArray(index++, connection.createArrayOf("text", keyHoldingTypes.toArray(new String[0])));
            }
            statement.setInt(index, claim.limit());
            int partitionColumn = -1;
            List<PartitionedRow<R>> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    if (partitionColumn < 0) {
                        partitionColumn = rs.getMetaData().getColumnCount();
                    }
                    rows.add(new PartitionedRow<>(mapper.map(rs), rs.getInt(partitionColumn)));
                }
            }
            return rows;
        }
    }

    /** Records that {@code owner} runs, for {@code ttl}; answers how many instances are alive. */
    public int join(Connection connection, String owner, Duration ttl) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.join())) {
            statement.setString(1, owner);
            statement.setLong(2, ttl.toMillis());
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.members());
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Removes {@code owner} from the instances sharing the partitions. */
    public void leave(Connection connection, String owner) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.leave())) {
            statement.setString(1, owner);
            statement.executeUpdate();
        }
    }

    /** Extends the unexpired leases of {@code owner}; answers them, partition to epoch. */
    public Map<Integer, Long> renew(Connection connection, String owner, Duration lease) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.renew())) {
            statement.setLong(1, lease.toMillis());
            statement.setString(2, owner);
            return epochs(statement);
        }
    }

    /** Leases up to {@code count} free or expired partitions to {@code owner}; answers them, partition to epoch. */
    public Map<Integer, Long> acquire(Connection connection, String owner, Duration lease, int count)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.acquire())) {
            statement.setString(1, owner);
            statement.setLong(2, lease.toMillis());
            statement.setInt(3, count);
            return epochs(statement);
        }
    }

    /** Frees the given partitions of {@code owner}'s. */
    public void release(Connection connection, String owner, Collection<Integer> partitions) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.release())) {
            statement.setString(1, owner);
            statement.setArray(2, ints(connection, partitions));
            statement.executeUpdate();
        }
    }

    /**
     * Locks the unexpired leases {@code owner} holds on {@code partitions} until the transaction ends
     * (no one takes them over meanwhile); answers them, partition to epoch.
     */
    public Map<Integer, Long> fence(Connection connection, String owner, Collection<Integer> partitions)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.fence())) {
            statement.setString(1, owner);
            statement.setArray(2, ints(connection, partitions));
            return epochs(statement);
        }
    }

    /** Every partition's owner while its lease runs (absent when free or expired). */
    public Map<Integer, String> owners(Connection connection) throws SQLException {
        Map<Integer, String> owners = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.owners());
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String owner = rs.getString(2);
                if (owner != null) {
                    owners.put(rs.getInt(1), owner);
                }
            }
        }
        return owners;
    }

    private static Array ints(Connection connection, Collection<Integer> values) throws SQLException {
        return connection.createArrayOf("int", values.toArray(new Integer[0]));
    }

    private static Map<Integer, Long> epochs(PreparedStatement statement) throws SQLException {
        Map<Integer, Long> epochs = new LinkedHashMap<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                epochs.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return epochs;
    }
}
