package dev.mailroom.jdbc.schema;

/** One versioned script against the history: applied as shipped, not applied yet, or applied with other text. */
public record MigrationStatus(String scope, int version, String description, State state) {

    public enum State {
        APPLIED, PENDING, CHANGED
    }
}
