package dev.mailroom.jdbc.publish;

import dev.mailroom.routing.TableName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells listeners in this JVM that a publisher wrote rows to a table, for relays that poll (no
 * {@code NOTIFY} on their database): they look again soon instead of sleeping out their backoff.
 * The signal comes when the rows are written, before the caller commits, so a listener may find
 * nothing yet; it only shortens the next wait. A publish pays one map look-up per table when nobody
 * listens.
 */
public final class PublishSignals {

    private static final Map<TableName, List<Runnable>> LISTENERS = new ConcurrentHashMap<>();

    private PublishSignals() {
    }

    /** Runs {@code listener} (quickly, on the publisher's thread) whenever a publisher writes to {@code table}; close to stop. */
    public static AutoCloseable subscribe(TableName table, Runnable listener) {
        LISTENERS.compute(table, (t, listeners) -> {
            List<Runnable> kept = listeners == null ? new CopyOnWriteArrayList<>() : listeners;
            kept.add(listener);
            return kept;
        });
        return () -> LISTENERS.computeIfPresent(table, (t, listeners) -> {
            listeners.remove(listener);
            return listeners.isEmpty() ? null : listeners;
        });
    }

    static void written(TableName table) {
        List<Runnable> listeners = LISTENERS.get(table);
        if (listeners != null) {
            for (Runnable listener : listeners) {
                listener.run();
            }
        }
    }
}
