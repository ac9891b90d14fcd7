package dev.mailroom.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Reads items in {@link LedgerSql#columns()} order, and audit rows: the one mapper of each. */
final class LedgerRowMapper {

    private LedgerRowMapper() {
    }

    static LedgerItem item(ResultSet rs) throws SQLException {
        return new LedgerItem(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                rs.getString(6), LedgerState.fromDbValue(rs.getString(7)), rs.getInt(8), rs.getInt(9),
                instant(rs, 10), rs.getString(11), instant(rs, 12), instant(rs, 13), rs.getString(14),
                rs.getString(15), instant(rs, 16), instant(rs, 17), rs.getString(18), rs.getLong(19));
    }

    static AuditEntry audit(ResultSet rs) throws SQLException {
        String from = rs.getString(3);
        return new AuditEntry(rs.getLong(1), rs.getString(2), from == null ? null : LedgerState.fromDbValue(from),
                LedgerState.fromDbValue(rs.getString(4)), rs.getLong(5), rs.getString(6), instant(rs, 7));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
