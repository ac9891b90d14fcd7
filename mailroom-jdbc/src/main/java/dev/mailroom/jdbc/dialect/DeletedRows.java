package dev.mailroom.jdbc.dialect;

/**
 * A batch of retention's deletes: how many rows went, and the highest id among them (the cursor the
 * pass's next batch starts after; the cursor given when none went).
 */
public record DeletedRows(int count, long lastId) {
}
