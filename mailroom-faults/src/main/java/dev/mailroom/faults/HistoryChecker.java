package dev.mailroom.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks one scenario's {@link History}, as Jepsen checks a queue: every committed event delivered
 * (none lost), no rolled-back event delivered (no aborted read), per key the first delivery of each
 * event in the producer's commit order (no inversion: records of a key share a partition, read in
 * offset order), each committed event applied once by the inbox consumer, and how long after the
 * last fault everything was delivered.
 */
public final class HistoryChecker {

    private static final int SAMPLE = 10;

    private HistoryChecker() {
    }

    public static FaultReport check(String scenario, History history) {
        Map<UUID, Produced> committed = new HashMap<>();
        Set<UUID> rolledBack = new HashSet<>();
        for (Produced event : history.produced()) {
            if (event.committed()) {
                committed.put(event.id(), event);
            } else {
                rolledBack.add(event.id());
            }
        }
        List<Delivered> records = new ArrayList<>(history.delivered());
        records.sort(Comparator.comparingInt(Delivered::partition).thenComparingLong(Delivered::offset));

        Map<UUID, Long> firstDelivery = new HashMap<>();
        Set<UUID> abortedReads = new HashSet<>();
        Map<String, Long> duplicateCauses = new HashMap<>();
        Map<String, Long> highestSequence = new HashMap<>();
        List<String> inversionSample = new ArrayList<>();
        long unexpected = 0;
        long duplicates = 0;
        long stale = 0;
        long inversions = 0;
        for (Delivered record : records) {
            if (rolledBack.contains(record.id())) {
                abortedReads.add(record.id());
                continue;
            }
            if (!committed.containsKey(record.id())) {
                unexpected++;
                continue;
            }
            long highest = highestSequence.getOrDefault(record.key(), Long.MIN_VALUE);
            if (firstDelivery.containsKey(record.id())) {
                duplicates++;
                long writtenNoEarlierThan = Math.max(record.timestampMillis(), firstDelivery.get(record.id()));
                duplicateCauses.merge(cause(history.faults(), writtenNoEarlierThan), 1L, Long::sum);
                if (record.sequence() < highest) {
                    stale++;
                }
            } else {
                firstDelivery.put(record.id(), record.timestampMillis());
                if (record.sequence() < highest) {
                    inversions++;
                    if (inversionSample.size() < SAMPLE) {
                        inversionSample.add(record.key() + ": " + record.sequence() + " after " + highest
                                + " (partition " + record.partition() + " offset " + record.offset() + ")");
                    }
                }
            }
            highestSequence.put(record.key(), Math.max(highest, record.sequence()));
        }

        List<UUID> lost = committed.keySet().stream().filter(id -> !firstDelivery.containsKey(id)).sorted().toList();
        EffectCounts effects = history.effectsRecorded() ? EffectCounts.of(committed, history.effects()) : EffectCounts.NONE;
        return new FaultReport(scenario, committed.size(), rolledBack.size(), records.size(), lost.size(),
                lost.stream().limit(SAMPLE).toList(), abortedReads.size(), unexpected, duplicates, duplicateCauses,
                stale, inversions, inversionSample, history.effectsRecorded(), effects.missing(), effects.doubled(),
                effects.poisonApplied(), history.faults().size(),
                recovery(history, lost.isEmpty(), firstDelivery));
    }

    /**
     * The last fault injected before the copy was written, or that there is none. A record's
     * timestamp is taken when the relay hands it to its producer, which may be before a pause that
     * held it; the copy was written after the first one, so the later of both times is used.
     */
    private static String cause(List<Fault> faults, long writtenNoEarlierThan) {
        String cause = "no fault before it";
        for (Fault fault : faults) {
            if (fault.atMillis() <= writtenNoEarlierThan) {
                cause = "resent after " + fault.description();
            }
        }
        return cause;
    }

    /** From the end of the last fault to the first delivery of the last event committed before it ended. */
    private static long recovery(History history, boolean nothingLost, Map<UUID, Long> firstDelivery) {
        if (!nothingLost) {
            return -1;
        }
        long faultsEndedAt = history.faultsEndedAtMillis();
        long lastFirstDelivery = history.producedBeforeFaultsEnded().stream().filter(Produced::committed)
                .mapToLong(event -> firstDelivery.get(event.id())).max().orElse(faultsEndedAt);
        return faultsEndedAt == 0 ? 0 : Math.max(0, lastFirstDelivery - faultsEndedAt);
    }

    /** Effects per committed event: none where one was due, more than one, or any for a poison event. */
    private record EffectCounts(long missing, long doubled, long poisonApplied) {

        static final EffectCounts NONE = new EffectCounts(0, 0, 0);

        static EffectCounts of(Map<UUID, Produced> committed, List<UUID> effects) {
            Map<UUID, Integer> perEvent = new HashMap<>();
            effects.forEach(id -> perEvent.merge(id, 1, Integer::sum));
            long missing = 0;
            long doubled = 0;
            long poisonApplied = 0;
            for (Produced event : committed.values()) {
                int applied = perEvent.getOrDefault(event.id(), 0);
                if (event.poison()) {
                    poisonApplied += applied > 0 ? 1 : 0;
                } else if (applied == 0) {
                    missing++;
                } else if (applied > 1) {
                    doubled++;
                }
            }
            return new EffectCounts(missing, doubled, poisonApplied);
        }
    }
}
