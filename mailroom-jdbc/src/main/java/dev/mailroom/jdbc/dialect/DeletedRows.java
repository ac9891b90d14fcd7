package dev.mailroom.jdbc.dialect;

/**
 * A batch of retention's deletes: how many rows went, and the highest id among them (the pass's next
 * batch starts after it; the id the batch started from when none went).
 */
public record DeletedRows(int count, long lastId) {
}
