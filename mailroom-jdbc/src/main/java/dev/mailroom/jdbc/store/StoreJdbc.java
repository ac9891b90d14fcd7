package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;

/** The store's small shared pieces: the row mapper of its dialect, cutting errors, checking arguments. */
final class StoreJdbc {

    private StoreJdbc() {
    }

    /** Maps rows with the table's dialect reading event ids and timestamps. */
    static OutboxOperations.RowMapper<OutboxRow> rows(StoreTransactions transactions) {
        return rs -> OutboxRowMapper.map(rs, transactions.dialect());
    }

    /**
     * The error as {@code last_error} keeps it: at most {@value OutboxStore#MAX_ERROR_LENGTH}
     * characters, NUL (U+0000, which PostgreSQL {@code text} refuses) as U+FFFD on every database.
     */
    static String truncate(String error) {
        if (error == null) {
            return null;
        }
        String storable = error.replace('\0', '\uFFFD');
        return storable.length() <= OutboxStore.MAX_ERROR_LENGTH ? storable
                : storable.substring(0, OutboxStore.MAX_ERROR_LENGTH);
    }

    static void requireOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("lease owner must not be blank");
        }
    }

    static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }
}
