package dev.mailroom.jdbc.operator;

import java.util.List;

/** The rows an operator move applies to: listed by id, or every row matching a filter. */
public sealed interface Selection {

    /** Most ids one selection lists. */
    int MAX_IDS = 10_000;

    static Selection ids(List<Long> ids) {
        return new ByIds(ids);
    }

    static Selection matching(MessageFilter filter) {
        return new ByFilter(filter);
    }

    /** Rows by id (ids that do not exist, or are not in a state the move takes, are left alone). */
    record ByIds(List<Long> ids) implements Selection {
        /** @throws InvalidFilterException for no ids, more than {@value Selection#MAX_IDS}, or a null one */
        public ByIds {
            if (ids == null || ids.isEmpty()) {
                throw new InvalidFilterException("ids", "name at least one row");
            }
            if (ids.size() > MAX_IDS) {
                throw new InvalidFilterException("ids", ids.size() + " ids, at most " + MAX_IDS + " per call");
            }
            if (ids.stream().anyMatch(java.util.Objects::isNull)) {
                throw new InvalidFilterException("ids", "an id is null");
            }
            ids = List.copyOf(ids.stream().distinct().sorted().toList());
        }
    }

    /** Every row matching the filter (the move adds its own state condition). */
    record ByFilter(MessageFilter filter) implements Selection {
        public ByFilter {
            if (filter == null) {
                throw new InvalidFilterException("filter", "is missing");
            }
        }
    }
}
