package dev.mailroom.jdbc.operator;

import java.time.Instant;

/**
 * One operator write: who ({@code actor}), when, what ({@code action} on {@code target}, such as
 * {@code replay} on {@code outbox:orders}), which rows ({@code selection}: the ids or the filter, as
 * JSON), how many changed, and why.
 */
public record AuditRecord(long id, Instant at, String actor, String action, String target, String selection,
                          int rowsChanged, String reason) {
}
