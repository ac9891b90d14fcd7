package dev.mailroom.faults;

import java.util.Objects;
import java.util.UUID;

/** A record read from the topic: the event it carries and where and when it was written. */
public record Delivered(UUID id, String key, long sequence, int partition, long offset, long timestampMillis) {

    public Delivered {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
    }
}
