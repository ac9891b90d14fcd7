package dev.mailroom.jdbc.operator;

/** What a move changed: how many rows, and the audit record written with it. */
public record MoveResult(OperatorMove move, int rows, long auditId) {
}
