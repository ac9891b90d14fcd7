package dev.mailroom.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the {@link HistoryChecker} found in one scenario's history. Safety: {@link #lost},
 * {@link #abortedReads}, {@link #inversions} and {@link #doubleEffects} must be zero. Duplicates on
 * the topic are allowed (the inbox absorbs them) and are reported with their likely cause: the last
 * fault injected before the copy was sent. A stale redelivery is a duplicate written after a later
 * event of its key (a consumer without an inbox would see the key go back). Liveness:
 * {@link #recoveryMillis} is the time from the end of the last fault to the first delivery of the
 * last event committed before it ended (0 when it was delivered before the fault ended, -1 when
 * some are lost); events committed later arrive with the relay's normal latency.
 */
public record FaultReport(String scenario, long committed, long rolledBack, long records, long lost,
                          List<UUID> lostSample, long abortedReads, long unexpected, long duplicates,
                          Map<String, Long> duplicateCauses, long staleRedeliveries, long inversions,
                          List<String> inversionSample, boolean effectsChecked, long missingEffects,
                          long doubleEffects, long poisonApplied, int faults, long recoveryMillis) {

    public FaultReport {
        lostSample = List.copyOf(lostSample);
        duplicateCauses = Map.copyOf(duplicateCauses);
        inversionSample = List.copyOf(inversionSample);
    }

    /** Zero lost, zero aborted reads, zero unexpected records, zero inversions, zero double or missing effects. */
    public boolean safe() {
        return lost == 0 && abortedReads == 0 && unexpected == 0 && inversions == 0 && doubleEffects == 0
                && missingEffects == 0 && poisonApplied == 0;
    }

    /** One line for logs and the results table. */
    public String summary() {
        return String.format("%s: committed=%d rolledBack=%d records=%d lost=%d abortedReads=%d unexpected=%d"
                        + " duplicates=%d causes=%s staleRedeliveries=%d inversions=%d effects=%s faults=%d recovery=%s",
                scenario, committed, rolledBack, records, lost, abortedReads, unexpected, duplicates,
                new java.util.TreeMap<>(duplicateCauses), staleRedeliveries, inversions,
                effectsChecked ? "missing=" + missingEffects + ",double=" + doubleEffects + ",poisonApplied=" + poisonApplied
                        : "unchecked",
                faults, recoveryMillis < 0 ? "never" : recoveryMillis + "ms");
    }

    /** The full report, with samples of lost events and inversions when there are any. */
    public String details() {
        StringBuilder text = new StringBuilder(summary()).append('\n');
        if (!lostSample.isEmpty()) {
            text.append("  lost (sample): ").append(lostSample).append('\n');
        }
        if (!inversionSample.isEmpty()) {
            text.append("  inversions (sample): ").append(inversionSample).append('\n');
        }
        return text.toString();
    }

    /** Writes {@code <scenario>.txt} into {@code folder} (created when missing). */
    public Path writeTo(Path folder) {
        try {
            Files.createDirectories(folder);
            Path file = folder.resolve(scenario.replaceAll("[^A-Za-z0-9._-]+", "_") + ".txt");
            Files.writeString(file, details());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the fault report of " + scenario, e);
        }
    }
}
