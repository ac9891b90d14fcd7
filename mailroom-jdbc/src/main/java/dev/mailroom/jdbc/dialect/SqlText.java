package dev.mailroom.jdbc.dialect;

import dev.mailroom.state.OutboxState;
import java.util.Set;
import java.util.StringJoiner;

/** The pieces of SQL text every dialect's statements render the same way: status literals and placeholder lists. */
final class SqlText {

    private SqlText() {
    }

    /** A state as a quoted literal: {@code 'pending'}. */
    static String q(OutboxState state) {
        return "'" + state.dbValue() + "'";
    }

    /** States as a list of literals, in the enum's order: {@code 'pending', 'sending'}. */
    static String list(Set<OutboxState> states) {
        StringJoiner joined = new StringJoiner(", ");
        for (OutboxState state : OutboxState.values()) {
            if (states.contains(state)) {
                joined.add(q(state));
            }
        }
        return joined.toString();
    }

    /** {@code (?, ?, …)} with {@code count} placeholders. */
    static String placeholders(int count) {
        StringBuilder list = new StringBuilder(count * 3 + 2).append('(');
        for (int i = 0; i < count; i++) {
            list.append(i == 0 ? "?" : ", ?");
        }
        return list.append(')').toString();
    }
}
