package dev.mailroom.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.testkit.db.DatabaseSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the benchmark: the machine's ceilings, then Mailroom's relay (backlog drain with 1 and 2
 * relays and at several backlog sizes, sustained load, latency at a fixed rate), all in one run on
 * one machine, and writes {@code result.json} and {@code result.md}.
 */
@Command(name = "mailroom-bench", mixinStandardHelpOptions = true,
        description = "Throughput, latency and cost of the Mailroom relay against this machine's ceilings.")
public final class BenchMain implements Callable<Integer> {

    /** The databases the benchmark runs on. */
    enum Database {
        postgresql, mariadb
    }

    @Option(names = "--database", description = "Database to run on, ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE});"
            + " the peers (gruelbox, Debezium) run on PostgreSQL only.")
    Database database = Database.postgresql;

    @Option(names = "--backlog", description = "Events in the main drain (default ${DEFAULT-VALUE}).")
    int backlog = 200_000;

    @Option(names = "--backlog-sizes", split = ",", description = "Backlogs of the scaling drains (default ${DEFAULT-VALUE}).")
    List<Integer> backlogSizes = List.of(10_000, 100_000);

    @Option(names = "--keys", description = "Distinct event keys (default ${DEFAULT-VALUE}).")
    int keys = 1_000;

    @Option(names = "--relay-batch", description = "Relay batch size (default ${DEFAULT-VALUE}).")
    int relayBatch = 500;

    @Option(names = "--linger-ms", description = "linger.ms of the relay's Kafka producer, and of the peers' (default ${DEFAULT-VALUE}).")
    int lingerMs = KafkaTransport.DEFAULT_LINGER_MS;

    @Option(names = "--ack-delay-ms", description = "Delays every acknowledgement the relay gets from the in-process"
            + " broker by this much, as from a broker that far away; Mailroom's scenarios only, not the peers'"
            + " (default ${DEFAULT-VALUE}).")
    int ackDelayMs = 0;

    @Option(names = "--sustained-seconds", description = "Length of the sustained run (default ${DEFAULT-VALUE}).")
    int sustainedSeconds = 20;

    @Option(names = "--sustained-retained-seconds", description = "Length of the sustained_retained run, which"
            + " only runs when named in --scenarios (default ${DEFAULT-VALUE}).")
    int sustainedRetainedSeconds = 600;

    @Option(names = "--retention-seconds", description = "Age at which the sustained_retained run's relay deletes"
            + " delivered rows (default ${DEFAULT-VALUE}).")
    int retentionSeconds = 60;

    @Option(names = "--sustained-rate", description = "Offered rate of the sustained run, events/s; 0: as fast as"
            + " the producers can (default ${DEFAULT-VALUE}).")
    int sustainedRate = 15_000;

    @Option(names = "--producer-threads", description = "Producer threads (default ${DEFAULT-VALUE}).")
    int producerThreads = 2;

    @Option(names = "--rate", description = "Offered rate of the latency run, events/s (default ${DEFAULT-VALUE}).")
    int rate = 1_000;

    @Option(names = "--latency-seconds", description = "Length of the latency run (default ${DEFAULT-VALUE}).")
    int latencySeconds = 10;

    @Option(names = "--warmup-seconds", description = "Unmeasured lead-in of each latency and sustained run, at the"
            + " same load (default ${DEFAULT-VALUE}).")
    int warmupSeconds = 10;

    @Option(names = "--peer-backlog", description = "Backlog the polling peer (gruelbox) drains (default ${DEFAULT-VALUE}).")
    int peerBacklog = 50_000;

    @Option(names = "--probe-history", description = "Delivered rows of the key the key-order probe claims for"
            + " (default ${DEFAULT-VALUE}).")
    int probeHistory = 100_000;

    @Option(names = "--time-partitions", description = "PostgreSQL: move the benchmark's outbox to the"
            + " time-partitioned layout, partitions this many seconds wide, before the scenarios (0, the default:"
            + " the plain table).")
    int timePartitionSeconds = 0;

    @Option(names = "--runs", description = "Runs of each scenario; the table shows medians (default ${DEFAULT-VALUE}).")
    int runs = 1;

    @Option(names = "--warmup-runs", description = "Unmeasured runs before the measured runs of each drain, Mailroom's"
            + " and the peers' (default ${DEFAULT-VALUE}): the broker, the Kafka client and the JDBC driver share the"
            + " benchmark's JVM, whose compiler is still busy through the first drains.")
    int warmupRuns = 1;

    @Option(names = "--scenarios", split = ",", description = "Scenarios to run, any of ${COMPLETION-CANDIDATES}"
            + " (default: all but sustained_retained, the 10-minute run).")
    EnumSet<Scenario> scenarios = EnumSet.complementOf(EnumSet.of(Scenario.sustained_retained));

    @Option(names = "--no-peers", description = "Leave out the peers (gruelbox, debezium).")
    boolean noPeers;

    @Option(names = "--switch-wal-level", description = "If wal_level is not logical, set it and restart the local"
            + " PostgreSQL with --pg-restart-command, so the Debezium peer can run.")
    boolean switchWalLevel;

    @Option(names = "--switch-autovacuum", description = "If autovacuum is off on the PostgreSQL server, turn it on"
            + " for the run (ALTER SYSTEM and a reload) and set it back at the end.")
    boolean switchAutovacuum;

    @Option(names = "--pg-restart-command", description = "Restarts the local PostgreSQL (default ${DEFAULT-VALUE}).")
    String pgRestartCommand = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | tail -1) main restart";

    @Option(names = "--out", description = "Folder for result.json and result.md (default ${DEFAULT-VALUE}).")
    Path out = Path.of("mailroom-bench", "results", "latest");

    public static void main(String[] args) {
        System.setProperty("logback.configurationFile", "logback-bench.xml");
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    /** What one invocation can run; all by default. */
    enum Scenario {
        ceilings, drain, drain_lease_mode, drain_partition_leases, drain_delete_published, drain_two_relays,
        drain_two_relays_lease_mode, drain_two_relays_partition_leases, backlog_sizes, sustained, sustained_retained, latency, latency_partition_leases, latency_unsignalled, key_order_probe, claim_strategies, gruelbox, debezium, jmh
    }

    @Override
    public Integer call() throws Exception {
        BenchDatabase db = BenchDatabase.named(database.name());
        EnumSet<Scenario> peers = EnumSet.of(Scenario.gruelbox, Scenario.debezium);
        String peersLeftOut = null;
        if (!db.runsPeers()) {
            peersLeftOut = "not run on " + db.name() + ": the peers (gruelbox, Debezium's PostgreSQL connector) are set"
                    + " up on PostgreSQL here; compare with a --database postgresql run";
            System.out.println("-- peers " + peersLeftOut);
        }
        if (noPeers || !db.runsPeers()) {
            scenarios.removeAll(peers);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started_at", Instant.now().toString());
        result.put("settings", settings(db));
        String debeziumSkipped = scenarios.contains(Scenario.debezium) ? prepareLogicalDecoding(db) : null;
        try (Autovacuum switched = switchAutovacuumOn(db);
             BenchEnvironment env = new BenchEnvironment(db, keys, timePartitionSeconds)) {
            result.put("machine", machine(env));
            if (switched != null) {
                result.put("autovacuum", "off on this server; turned on by the harness for this run (--switch-autovacuum)");
            }
            RelayScenarios relay = new RelayScenarios(env, relayBatch, lingerMs, ackDelayMs);
            if (scenarios.contains(Scenario.ceilings)) {
                Map<String, Object> ceilings = new LinkedHashMap<>();
                ceilings.put("inserts_batches_of_100", step("insert ceiling", () ->
                        Ceilings.inserts(env, backlog, producerThreads, 100)));
                ceilings.put("naive_claims_without_broker", step("naive claim ceiling " + backlog, () ->
                        Ceilings.claims(env, backlog, relayBatch)));
                ceilings.put("kafka_producer", step("kafka ceiling", () -> Ceilings.kafka(env, backlog)));
                result.put("ceilings", ceilings);
            }
            if (scenarios.contains(Scenario.drain)) {
                result.put("drain", drainStep("drain " + backlog + ", 1 relay", () -> relay.drain(backlog, 1)));
            }
            if (scenarios.contains(Scenario.drain_lease_mode)) {
                result.put("drain_lease_mode", drainStep("drain " + backlog + ", 1 relay, lease mode", () ->
                        relay.drain(backlog, 1, RelayScenarios.Variant.LEASE)));
            }
            if (scenarios.contains(Scenario.drain_partition_leases)) {
                result.put("drain_partition_leases", drainStep("drain " + backlog + ", 1 relay, partition leases", () ->
                        relay.drain(backlog, 1, RelayScenarios.Variant.PARTITION_LEASE)));
            }
            if (scenarios.contains(Scenario.drain_delete_published)) {
                result.put("drain_delete_published", drainStep("drain " + backlog + ", 1 relay, rows deleted once delivered",
                        () -> relay.drain(backlog, 1, RelayScenarios.Variant.DELETE_PUBLISHED)));
            }
            if (scenarios.contains(Scenario.drain_two_relays)) {
                result.put("drain_two_relays", drainStep("drain " + backlog + ", 2 relays", () -> relay.drain(backlog, 2)));
            }
            if (scenarios.contains(Scenario.drain_two_relays_lease_mode)) {
                result.put("drain_two_relays_lease_mode", drainStep("drain " + backlog + ", 2 relays, lease mode", () ->
                        relay.drain(backlog, 2, RelayScenarios.Variant.LEASE)));
            }
            if (scenarios.contains(Scenario.drain_two_relays_partition_leases)) {
                result.put("drain_two_relays_partition_leases", drainStep("drain " + backlog + ", 2 relays, partition leases",
                        () -> relay.drain(backlog, 2, RelayScenarios.Variant.PARTITION_LEASE)));
            }
            if (scenarios.contains(Scenario.backlog_sizes)) {
                List<Object> scaling = new ArrayList<>();
                for (int size : backlogSizes) {
                    scaling.add(drainStep("drain " + size, () -> relay.drain(size, 1)));
                }
                result.put("drain_by_backlog_size", scaling);
            }
            if (scenarios.contains(Scenario.sustained_retained)) {
                result.put("sustained_retained", step("sustained " + sustainedRetainedSeconds + " s with retention",
                        () -> relay.sustained(warmupSeconds, sustainedRetainedSeconds, producerThreads, 100, sustainedRate,
                                RelayScenarios.Variant.partitionLeasesWithRetention(Duration.ofSeconds(retentionSeconds),
                                        Duration.ofSeconds(10)), Duration.ofSeconds(30))));
            }
            if (scenarios.contains(Scenario.sustained)) {
                result.put("sustained", step("sustained", () ->
                        relay.sustained(warmupSeconds, sustainedSeconds, producerThreads, 100, sustainedRate)));
            }
            if (scenarios.contains(Scenario.latency)) {
                result.put("latency", step("latency", () -> relay.latency(rate, warmupSeconds, latencySeconds, 4,
                        RelayScenarios.Producers.PUBLISHER_IN_RELAY_JVM)));
            }
            if (scenarios.contains(Scenario.latency_partition_leases)) {
                result.put("latency_partition_leases", step("latency, partition leases", () -> relay.latency(rate,
                        warmupSeconds, latencySeconds, 4, RelayScenarios.Producers.PUBLISHER_IN_RELAY_JVM,
                        RelayScenarios.Variant.PARTITION_LEASE)));
            }
            if (scenarios.contains(Scenario.latency_unsignalled)) {
                result.put("latency_unsignalled", step("latency, plain SQL producers the relay does not hear", () ->
                        relay.latency(rate, warmupSeconds, latencySeconds, 4, RelayScenarios.Producers.PLAIN_SQL_UNSIGNALLED)));
            }
            if (scenarios.contains(Scenario.key_order_probe)) {
                result.put("key_order_probe", step("key-order probe, a key with " + probeHistory + " delivered rows", () ->
                        new KeyOrderProbe(env, relayBatch).measure(probeHistory)));
            }
            if (scenarios.contains(Scenario.claim_strategies)) {
                result.put("claim_strategies", step("claim strategies (database only)", () ->
                        new ClaimStrategies(env, relayBatch).compare(backlog)));
            }
            Map<String, Object> peerResults = new LinkedHashMap<>();
            if (scenarios.contains(Scenario.gruelbox)) {
                Map<String, Object> gruelbox = new LinkedHashMap<>();
                try (GruelboxPeer peer = new GruelboxPeer(env, lingerMs)) {
                    gruelbox.put("drain", drainStep("gruelbox drain " + peerBacklog, () -> peer.drain(peerBacklog)));
                    gruelbox.put("latency", step("gruelbox latency", () ->
                            peer.latency(rate, warmupSeconds, latencySeconds, 4)));
                }
                peerResults.put("gruelbox_transaction_outbox", gruelbox);
            }
            if (scenarios.contains(Scenario.debezium)) {
                peerResults.put("debezium_outbox_router", debeziumSkipped != null ? debeziumSkipped : debezium(env));
            }
            if (!peerResults.isEmpty()) {
                result.put("peers", peerResults);
            } else if (peersLeftOut != null) {
                result.put("peers", peersLeftOut);
            }
            if (scenarios.contains(Scenario.jmh)) {
                System.out.println("-- jmh microbenchmarks");
                result.put("microbenchmarks", Microbenchmarks.run());
            }
            if (result.containsKey("ceilings") && result.containsKey("drain")) {
                result.put("drain_ratio_to_lower_ceiling", drainRatio(result));
            }
            if (result.containsKey("ceilings")) {
                result.put("drain_ratios_to_insert_ceiling", DrainRatios.toCeiling(result, "inserts_batches_of_100",
                        "events_per_second"));
                result.put("drain_ratios_to_naive_claim_ceiling", DrainRatios.toCeiling(result,
                        "naive_claims_without_broker", "rows_per_second"));
            }
        }
        result.put("finished_at", Instant.now().toString());
        result.put("load_average_1min_at_end", loadAverage());
        write(result);
        return 0;
    }

    /** The switch to close at the end, or null when not asked, not PostgreSQL, or autovacuum is already on. */
    private Autovacuum switchAutovacuumOn(BenchDatabase db) throws Exception {
        if (!switchAutovacuum || !"postgresql".equals(db.name())) {
            return null;
        }
        DatabaseSettings pg = db.server();
        return Autovacuum.isOn(pg.url(), pg.user(), pg.password()) ? null
                : Autovacuum.switchOn(pg.url(), pg.user(), pg.password());
    }

    /** Null when the Debezium peer can run, else why it is skipped. */
    private String prepareLogicalDecoding(BenchDatabase db) throws Exception {
        DatabaseSettings pg = db.server();
        String level = LogicalDecoding.walLevel(pg.url(), pg.user(), pg.password());
        if ("logical".equals(level)) {
            return null;
        }
        if (switchWalLevel) {
            LogicalDecoding.switchOn(pg.url(), pg.user(), pg.password(), pgRestartCommand);
            return null;
        }
        String why = "skipped: the server runs with wal_level=" + level + "; rerun with --switch-wal-level to let the"
                + " harness set wal_level=logical and restart the local PostgreSQL";
        System.out.println("-- debezium " + why);
        return why;
    }

    private Map<String, Object> debezium(BenchEnvironment env) throws Exception {
        Map<String, Object> debezium = new LinkedHashMap<>();
        try (DebeziumPeer peer = new DebeziumPeer(env, lingerMs)) {
            debezium.put("drain", drainStep("debezium drain " + backlog, () -> peer.drain(backlog)));
            debezium.put("latency", step("debezium latency", () ->
                    peer.latency(rate, warmupSeconds, latencySeconds, 4)));
        }
        return debezium;
    }

    @SuppressWarnings("unchecked")
    private static double drainRatio(Map<String, Object> result) {
        Map<String, Object> ceilings = (Map<String, Object>) result.get("ceilings");
        long insertCeiling = number(ceilings, "inserts_batches_of_100", "events_per_second");
        long kafkaCeiling = number(ceilings, "kafka_producer", "records_per_second");
        Map<String, Object> drain = (Map<String, Object>) result.get("drain");
        return Ceilings.round(((Number) drain.get("events_per_second")).doubleValue() / Math.min(insertCeiling, kafkaCeiling));
    }

    private Map<String, Object> settings(BenchDatabase db) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("database", db.name());
        settings.put("backlog", backlog);
        settings.put("backlog_sizes", backlogSizes);
        settings.put("keys", keys);
        settings.put("payload_bytes", BenchEnvironment.PAYLOAD_BYTES);
        settings.put("relay_batch_size", relayBatch);
        settings.put("relay", "defaults: row-lock claims (one row write per event), key-ordered, 2 batches in flight, "
                + db.relayDefaults() + "; drain_lease_mode: lease claims; drain_partition_leases, *_partition_leases:"
                + " partition-leased claims (64 partitions, no row lock, one row write per event); drain_delete_published:"
                + " rows deleted once delivered");
        settings.put("kafka_transport", "acks=all, idempotent, linger.ms=" + lingerMs + ", 6 partitions");
        settings.put("relay_ack_delay_ms", ackDelayMs);
        settings.put("outbox_layout", timePartitionSeconds > 0
                ? "time-partitioned, " + timePartitionSeconds + " s per partition" : "plain table");
        settings.put("sustained_seconds", sustainedSeconds);
        settings.put("producer_threads", producerThreads);
        settings.put("sustained_rate_per_second", sustainedRate);
        settings.put("latency_rate_per_second", rate);
        settings.put("latency_seconds", latencySeconds);
        settings.put("warmup_seconds", warmupSeconds);
        settings.put("runs_per_scenario", runs);
        settings.put("warmup_runs_per_drain", warmupRuns);
        settings.put("figures", (runs > 1 ? "medians of the runs (each run under per_run)" : "one run")
                + (warmupRuns > 0 ? ", each drain after " + warmupRuns + " unmeasured warm-up run" + (warmupRuns > 1 ? "s" : "")
                : ""));
        settings.put("scenarios", scenarios.toString());
        settings.put("database_counts", db.statsScope());
        return settings;
    }

    private static Map<String, Object> machine(BenchEnvironment env) throws Exception {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory_bytes", ((com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.putAll(env.database.serverFacts(env));
        machine.put("load_average_1min_at_start", loadAverage());
        machine.put("kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        machine.put("mailroom", BenchMain.class.getPackage().getImplementationVersion());
        return machine;
    }

    /** The machine's 1-minute load average (other work on the machine skews every figure). */
    private static double loadAverage() {
        return Ceilings.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long number(Map<String, Object> map, String section, String key) {
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) map.get(section);
        return ((Number) inner.get(key)).longValue();
    }

    @FunctionalInterface
    private interface Step {
        Map<String, Object> run() throws Exception;
    }

    /** {@link #step}, after {@link #warmupRuns} unmeasured runs. */
    private Map<String, Object> drainStep(String name, Step step) throws Exception {
        for (int run = 1; run <= warmupRuns; run++) {
            System.out.println("-- " + name + " (warm-up " + run + " of " + warmupRuns + ", not measured)");
            step.run();
        }
        return step(name, step);
    }

    private Map<String, Object> step(String name, Step step) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            System.out.println("-- " + name + (runs > 1 ? " (run " + run + " of " + runs + ")" : ""));
            Map<String, Object> result = step.run();
            System.out.println("   " + result);
            results.add(result);
        }
        return Medians.of(results);
    }

    private void write(Map<String, Object> result) throws IOException {
        Files.createDirectories(out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("result.json").toFile(), result);
        String markdown = MarkdownReport.render(result);
        Files.writeString(out.resolve("result.md"), markdown);
        System.out.println();
        System.out.println(markdown);
        System.out.println("Written to " + out.toAbsolutePath());
    }
}
