package dev.mailroom.jdbc.dialect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

    /** A claimed row and the partition it falls into. */
    public record PartitionedRow<R>(R row, int partition) {
    }

    /** The rows a claim picked, in id order, and its record in the claim journal (0 when it picked none). */
    public record PartitionClaimed<R>(List<PartitionedRow<R>> rows, long record) {
    }

    /**
     * What a claim within leased partitions passes by: the partitions it may claim from, rows and
     * keys the claimer holds in its batches in flight; and how many of the oldest rows it looks at.
     */
    public record PartitionClaim(String owner, Collection<Integer> partitions, Collection<Long> heldIds,
                                 Collection<String> heldKeys, int window) {
    }

    private final PartitionLeaseSql sql;
    private final OutboxOperations outbox;
    private final Set<String> keyHoldingTypes;

    PartitionLeaseOperations(PartitionLeaseSql sql, OutboxOperations outbox, Set<String> keyHoldingTypes) {
        this.sql = sql;
        this.outbox = outbox;
        this.keyHoldingTypes = Set.copyOf(keyHoldingTypes);
    }

    /**
     * Picks the oldest due pending row of each key among the window's oldest due pending rows of the
     * claim's partitions, and records them in the claim journal under the claimer's name, in one
     * statement; rows waiting for a retry, leased, or held by a dead row hold back their key. Changes
     * no outbox row and locks none.
     */
    public <R> PartitionClaimed<R> claim(Connection connection, PartitionClaim claim, OutboxOperations.RowMapper<R> mapper)
            throws SQLException {
        try (Statement plan = connection.createStatement()) {
            plan.execute(sql.claimPlan());
        }
        try (PreparedStatement statement = connection.prepareStatement(
                keyHoldingTypes.isEmpty() ? sql.claim() : sql.claimHolding())) {
            int index = 1;
            statement.setArray(index++, connection.createArrayOf("text", claim.heldKeys().toArray(new String[0])));
            if (!keyHoldingTypes.isEmpty()) {
                statement.setArray(index++, connection.createArrayOf("text", keyHoldingTypes.toArray(new String[0])));
            }
            statement.setArray(index++, ints(connection, claim.partitions()));
            statement.setArray(index++, connection.createArrayOf("bigint", claim.heldIds().toArray(new Long[0])));
            statement.setInt(index++, claim.window());
            statement.setString(index, claim.owner());
            List<PartitionedRow<R>> rows = new ArrayList<>();
            long record = 0;
            try (ResultSet rs = statement.executeQuery()) {
                int columns = -1;
                while (rs.next()) {
                    if (columns < 0) {
                        columns = rs.getMetaData().getColumnCount();
                    }
                    rows.add(new PartitionedRow<>(mapper.map(rs), rs.getInt(columns - 1)));
                    record = rs.getLong(columns);
                }
            }
            return new PartitionClaimed<>(rows, record);
        }
    }

    /** Locks up to {@code limit} claim-journal records of instances no longer alive, skipping locked ones. */
    public List<OutboxOperations.ClaimRecord> lockLostClaims(Connection connection, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.lostClaims())) {
            statement.setInt(1, limit);
            List<OutboxOperations.ClaimRecord> records = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    records.add(new OutboxOperations.ClaimRecord(rs.getLong(1), outbox.readRowIds(rs, 2)));
                }
            }
            return records;
        }
    }

    /** Removes a partition claim's journal record; answers whether it was there. */
    public boolean forget(Connection connection, long record) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.forget())) {
            statement.setLong(1, record);
            return statement.executeUpdate() > 0;
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
