package dev.mailroom.loop;

import java.lang.management.ManagementFactory;
import java.util.UUID;

/** Lease owner ids: {@code <pid>@<host>-<random>}, unique per relay, worker or consumer instance. */
public final class LeaseOwners {

    private LeaseOwners() {
    }

    public static String newOwnerId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
