package dev.mailroom.jdbc.operator;

import java.util.List;

/** What a move would change now: how many rows, and the first of their ids (at most {@link #SHOWN}). */
public record MovePreview(OperatorMove move, long rows, List<Long> firstIds) {

    /** How many ids a preview shows. */
    public static final int SHOWN = 20;

    public MovePreview {
        firstIds = List.copyOf(firstIds);
    }
}
