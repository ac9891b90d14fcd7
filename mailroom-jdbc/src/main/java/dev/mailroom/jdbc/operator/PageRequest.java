package dev.mailroom.jdbc.operator;

/**
 * One page of a search, by keyset: the rows after the cursor (an id from the previous page's
 * {@link MessagePage#next()}; null for the first page), oldest or newest first.
 */
public record PageRequest(Long after, int limit, boolean newestFirst) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** @throws InvalidFilterException for a limit outside 1..{@value #MAX_LIMIT} or a negative cursor */
    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidFilterException("limit", limit + " is outside 1.." + MAX_LIMIT);
        }
        if (after != null && after < 0) {
            throw new InvalidFilterException("after", "a cursor is a row id, never negative");
        }
    }

    /** The newest {@value #DEFAULT_LIMIT} rows. */
    public static PageRequest first() {
        return new PageRequest(null, DEFAULT_LIMIT, true);
    }
}
