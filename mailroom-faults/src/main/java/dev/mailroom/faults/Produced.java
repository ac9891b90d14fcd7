package dev.mailroom.faults;

import java.util.Objects;
import java.util.UUID;

/**
 * An event a producer wrote: its id, key, its sequence number within the key (assigned by the one
 * producer thread of that key in commit order), whether its transaction committed, and whether it
 * is poison (delivered like any other, but a consumer must dead-letter it rather than apply it).
 */
public record Produced(UUID id, String key, long sequence, boolean committed, boolean poison) {

    public Produced {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
    }

    public static Produced committed(UUID id, String key, long sequence) {
        return new Produced(id, key, sequence, true, false);
    }

    public static Produced rolledBack(UUID id, String key, long sequence) {
        return new Produced(id, key, sequence, false, false);
    }
}
