package dev.mailroom.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the relay's own threads (claim loop, listener, its Kafka producer's network thread),
 * read from the JVM; the in-process broker and the benchmark's producers are not counted.
 */
final class CpuMeter {

    static final String RELAY_PRODUCER_CLIENT_ID = "mailroom-relay-producer";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuMeter() {
    }

    static long relayCpuNanos() {
        long total = 0;
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith("mailroom-relay") || name.startsWith("mailroom-listener")
                    || name.contains(RELAY_PRODUCER_CLIENT_ID)) {
                long cpu = THREADS.getThreadCpuTime(id);
                if (cpu > 0) {
                    total += cpu;
                }
            }
        }
        return total;
    }
}
