package dev.mailroom.ledger;

import dev.mailroom.routing.InvalidIdentifierException;
import dev.mailroom.routing.TableName;

/** A ledger table and its audit table ({@code <table>_audit}), both validated identifiers. */
record LedgerTables(TableName items, TableName audit) {

    private static final String AUDIT_SUFFIX = "_audit";

    /** Parses the ledger table name ({@code table} or {@code schema.table}); throws {@link InvalidIdentifierException}. */
    static LedgerTables of(String table) {
        TableName items = TableName.of(table);
        if (items.name().length() + AUDIT_SUFFIX.length() > TableName.MAX_NAME_LENGTH) {
            throw new InvalidIdentifierException("Ledger table name", table, "at most "
                    + (TableName.MAX_NAME_LENGTH - AUDIT_SUFFIX.length())
                    + " characters, leaving room for its audit table's suffix '" + AUDIT_SUFFIX + "'");
        }
        return new LedgerTables(items, TableName.of(table + AUDIT_SUFFIX));
    }
}
