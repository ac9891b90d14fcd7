package dev.mailroom.ledger;

import dev.mailroom.jdbc.StoreException;
import java.sql.SQLException;

/** The ledger (or its audit) table does not exist: the schema was not migrated. Nothing was written. */
public final class LedgerTableMissingException extends StoreException {

    LedgerTableMissingException(String table, String scriptsFolder, SQLException cause) {
        super("Ledger table " + table + " (or its audit table) does not exist; create it with"
                + " CompensationLedger.migrate() or LedgerSchema.migrate(...), or copy the scripts under "
                + scriptsFolder + " into your migrations", table, cause);
    }
}
