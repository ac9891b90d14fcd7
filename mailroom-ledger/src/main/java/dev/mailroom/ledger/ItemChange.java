package dev.mailroom.ledger;

import java.util.List;

/**
 * One requested change of one item: the values of its {@code SET} clause and its fence (see
 * {@link LedgerChange}), and the actor and notes of its audit row.
 */
record ItemChange(LedgerChange kind, long id, List<Object> values, List<Object> fence, String actor, String notes) {
}
