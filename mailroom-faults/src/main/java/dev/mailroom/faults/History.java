package dev.mailroom.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Everything one scenario did and saw: events produced (committed or rolled back), records read
 * from the topic, effects applied by an inbox consumer (event ids, one per effect row), the faults
 * injected and when the last one ended. Thread-safe: producers, readers and the fault schedule
 * record into it concurrently.
 */
public final class History {

    private final List<Produced> produced = new ArrayList<>();
    private final List<Delivered> delivered = new ArrayList<>();
    private final List<UUID> effects = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private boolean effectsRecorded;
    private long faultsEndedAtMillis;
    private int producedBeforeFaultsEnded;

    public synchronized void produced(Produced event) {
        produced.add(event);
    }

    public synchronized void delivered(Delivered record) {
        delivered.add(record);
    }

    /** The effects applied by the consumer, replacing any recorded before; checks double effects. */
    public synchronized void effects(List<UUID> eventIdsOfEffects) {
        effects.clear();
        effects.addAll(eventIdsOfEffects);
        effectsRecorded = true;
    }

    public synchronized void fault(long atMillis, String description) {
        faults.add(new Fault(atMillis, description));
    }

    /**
     * The last fault ended (a killed process restarted, a paused one continued, the broker back).
     * Recovery is measured for the events produced until now: those produced later are delivered
     * with the relay's normal latency.
     */
    public synchronized void faultsEnded(long atMillis) {
        faultsEndedAtMillis = atMillis;
        producedBeforeFaultsEnded = produced.size();
    }

    public synchronized List<Produced> produced() {
        return List.copyOf(produced);
    }

    public synchronized List<Delivered> delivered() {
        return List.copyOf(delivered);
    }

    public synchronized List<UUID> effects() {
        return List.copyOf(effects);
    }

    public synchronized boolean effectsRecorded() {
        return effectsRecorded;
    }

    public synchronized List<Fault> faults() {
        return List.copyOf(faults);
    }

    public synchronized long faultsEndedAtMillis() {
        return faultsEndedAtMillis;
    }

    /** The events produced before the last fault ended, in production order. */
    public synchronized List<Produced> producedBeforeFaultsEnded() {
        return List.copyOf(produced.subList(0, producedBeforeFaultsEnded));
    }

    /** How many distinct committed events have been read from the topic so far. */
    public synchronized long committedDelivered() {
        java.util.Set<UUID> committed = new java.util.HashSet<>();
        for (Produced event : produced) {
            if (event.committed()) {
                committed.add(event.id());
            }
        }
        return delivered.stream().map(Delivered::id).filter(committed::contains).distinct().count();
    }

    public synchronized long committed() {
        return produced.stream().filter(Produced::committed).count();
    }
}
