package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.HeadersCodec;
import dev.mailroom.state.OutboxState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Reads {@link OutboxRow}s in the column order of {@code OutboxSql.columns()}: the one row mapper. */
final class OutboxRowMapper {

    private OutboxRowMapper() {
    }

    /** Never throws for what a producer wrote: a row that cannot be delivered carries its {@code defect}. */
    static OutboxRow map(ResultSet rs, SqlDialect dialect) throws SQLException {
        UUID eventId = dialect.getUuid(rs, 2);
        String correlationId = rs.getString(9);
        String contentType = rs.getString(6);
        HeadersCodec.Decoded headers = HeadersCodec.decode(rs.getString(7));
        String defect = headers.problem();
        if (defect == null && (contentType == null || contentType.isBlank())) {
            defect = "the content_type column is blank";
        }
        return new OutboxRow(
                rs.getLong(1),
                eventId,
                rs.getString(3),
                rs.getString(4),
                rs.getBytes(5),
                contentType,
                headers.headers(),
                rs.getString(8),
                correlationId != null ? correlationId : eventId.toString(),
                rs.getInt(10),
                OutboxState.fromDbValue(rs.getString(11)),
                rs.getInt(12),
                rs.getInt(13),
                dialect.getInstant(rs, 14),
                rs.getString(15),
                rs.getString(16),
                dialect.getInstant(rs, 17),
                dialect.getInstant(rs, 18),
                dialect.getInstant(rs, 19),
                dialect.getInstant(rs, 20),
                dialect.getInstant(rs, 21),
                rs.getBoolean(22),
                defect);
    }
}
