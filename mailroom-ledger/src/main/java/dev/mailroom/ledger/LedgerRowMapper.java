package dev.mailroom.ledger;

import dev.mailroom.jdbc.dialect.SqlDialect;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads items in {@link LedgerSql#columns()} order, and audit rows: the one mapper of each. */
final class LedgerRowMapper {

    private final SqlDialect dialect;

    LedgerRowMapper(SqlDialect dialect) {
        this.dialect = dialect;
    }

    LedgerItem item(ResultSet rs) throws SQLException {
        return new LedgerItem(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                rs.getString(6), LedgerState.fromDbValue(rs.getString(7)), rs.getInt(8), rs.getInt(9),
                dialect.getInstant(rs, 10), rs.getString(11), dialect.getInstant(rs, 12), dialect.getInstant(rs, 13),
                rs.getString(14), rs.getString(15), dialect.getInstant(rs, 16), dialect.getInstant(rs, 17),
                rs.getString(18), rs.getLong(19));
    }

    AuditEntry audit(ResultSet rs) throws SQLException {
        String from = rs.getString(3);
        return new AuditEntry(rs.getLong(1), rs.getString(2), from == null ? null : LedgerState.fromDbValue(from),
                LedgerState.fromDbValue(rs.getString(4)), rs.getLong(5), rs.getString(6), dialect.getInstant(rs, 7));
    }
}
