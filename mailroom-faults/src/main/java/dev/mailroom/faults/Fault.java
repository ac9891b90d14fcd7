package dev.mailroom.faults;

/** A fault the scenario injected, by wall-clock time, to explain the duplicates that follow it. */
public record Fault(long atMillis, String description) {
}
