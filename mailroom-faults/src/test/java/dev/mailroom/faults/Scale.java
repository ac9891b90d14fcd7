package dev.mailroom.faults;

/**
 * How big the scenarios run: {@code small} by default (CI), {@code full} with {@code -Dfaults=full}.
 * The seed of every scenario's randomness is {@code -Dfaults.seed} when given, else new each run and
 * printed in the report, so a failure can be run again with the same schedule.
 */
final class Scale {

    private Scale() {
    }

    static boolean full() {
        return "full".equals(System.getProperty("faults"));
    }

    /** Events per scenario: 10,000 by default, 100,000 with {@code -Dfaults=full}. */
    static int events() {
        return full() ? 100_000 : 10_000;
    }

    /** Keys per scenario. */
    static int keys() {
        return full() ? 1_000 : 300;
    }

    /**
     * The producer's rate, below what a relay drains between its faults, so that the time to
     * deliver everything after the last fault measures recovery, not a backlog: 2,500 events/s, and
     * 5,000 on PostgreSQL with {@code -Dfaults=full} (a relay on MariaDB drains about 5,000 rows/s on 2
     * cores, less while it is killed every second).
     */
    static int perSecond(boolean mariaDb) {
        return full() && !mariaDb ? 5_000 : 2_500;
    }

    /** The claim modes a scenario runs in: its default ones, and every mode with {@code -Dfaults=full}. */
    static java.util.stream.Stream<dev.mailroom.relay.ClaimMode> modes(dev.mailroom.relay.ClaimMode... defaults) {
        return full() ? java.util.stream.Stream.of(dev.mailroom.relay.ClaimMode.values()) : java.util.stream.Stream.of(defaults);
    }

    static long seed() {
        Long given = Long.getLong("faults.seed");
        return given != null ? given : new java.util.Random().nextLong();
    }
}
