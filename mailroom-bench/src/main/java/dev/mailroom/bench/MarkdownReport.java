package dev.mailroom.bench;

import java.util.List;
import java.util.Map;

/** The short table of a benchmark result; scenarios that did not run are left out. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(Map<String, Object> result) {
        Map<String, Object> machine = map(result, "machine");
        Map<String, Object> settings = map(result, "settings");
        StringBuilder md = new StringBuilder();
        md.append("# Mailroom benchmark\n\n");
        String database = (String) settings.getOrDefault("database", PostgresBench.NAME);
        md.append("Machine: ").append(machine.get("cores")).append(" cores, ")
                .append(((Number) machine.get("memory_bytes")).longValue() / (1024 * 1024 * 1024)).append(" GiB, ")
                .append(MariaDbBench.NAME.equals(database) ? "MariaDB " : "PostgreSQL ")
                .append(machine.get(database)).append(", Kafka ").append(machine.get("kafka")).append(" (in-process), ")
                .append(machine.get("java")).append(". Run ").append(result.get("started_at")).append("; ")
                .append(settings.get("figures"));
        if (machine.containsKey("load_average_1min_at_start")) {
            md.append("; load average ").append(machine.get("load_average_1min_at_start")).append(" at the start, ")
                    .append(result.get("load_average_1min_at_end")).append(" at the end");
        }
        md.append(".\n\n");
        md.append("| Measure | Value |\n|---|---|\n");
        Map<String, Object> ceilings = map(result, "ceilings");
        if (ceilings != null) {
            row(md, "Ceiling: outbox inserts, batches of 100 (events/s)",
                    map(ceilings, "inserts_batches_of_100").get("events_per_second"));
            Map<String, Object> claims = map(ceilings, "naive_claims_without_broker");
            if (claims != null) {
                row(md, "Ceiling: naive claim (SKIP LOCKED, mark published), no broker (rows/s)",
                        claims.get("rows_per_second"));
            }
            row(md, "Ceiling: Kafka producer alone (records/s)", map(ceilings, "kafka_producer").get("records_per_second"));
        }
        Map<String, Object> drain = map(result, "drain");
        if (drain != null) {
            row(md, "Drain " + drain.get("backlog") + ", 1 relay (events/s)", drain.get("events_per_second"));
            row(md, "Drain " + drain.get("backlog") + ", 1 relay: first acknowledgement after start (ms)",
                    drain.get("first_ack_ms"));
        }
        if (result.containsKey("drain_ratio_to_lower_ceiling")) {
            row(md, "Drain ratio to the lower ceiling", result.get("drain_ratio_to_lower_ceiling"));
        }
        drainVariant(md, map(result, "drain_lease_mode"), "lease claims");
        drainVariant(md, map(result, "drain_partition_leases"), "partition-leased claims");
        drainVariant(md, map(result, "drain_delete_published"), "rows deleted once delivered");
        Map<String, Object> drain2 = map(result, "drain_two_relays");
        if (drain2 != null) {
            row(md, "Drain " + drain2.get("backlog") + ", 2 relays (events/s)", drain2.get("events_per_second"));
        }
        Map<String, Object> drain2Lease = map(result, "drain_two_relays_lease_mode");
        if (drain2Lease != null) {
            row(md, "Drain " + drain2Lease.get("backlog") + ", 2 relays, lease claims (events/s)",
                    drain2Lease.get("events_per_second"));
        }
        Map<String, Object> drain2Partitions = map(result, "drain_two_relays_partition_leases");
        if (drain2Partitions != null) {
            row(md, "Drain " + drain2Partitions.get("backlog") + ", 2 relays, partition-leased claims (events/s)",
                    drain2Partitions.get("events_per_second"));
        }
        ratios(md, map(result, "drain_ratios_to_insert_ceiling"), "insert ceiling");
        ratios(md, map(result, "drain_ratios_to_naive_claim_ceiling"), "naive claim ceiling");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sizes = (List<Map<String, Object>>) result.get("drain_by_backlog_size");
        if (sizes != null) {
            for (Map<String, Object> size : sizes) {
                row(md, "Drain " + size.get("backlog") + ", 1 relay (events/s; first ack ms; row writes/event)",
                        size.get("events_per_second") + "; " + size.get("first_ack_ms") + "; "
                                + rowWrites(size));
            }
        }
        Map<String, Object> sustained = map(result, "sustained");
        if (sustained != null) {
            row(md, "Sustained at " + sustained.get("offered_rate_per_second") + " offered: produced / delivered (events/s)",
                    sustained.get("produced_per_second") + " / "
                    + sustained.get("delivered_per_second") + (Boolean.TRUE.equals(sustained.get("backlog_not_growing"))
                    ? " (backlog not growing)" : " (backlog growing: " + sustained.get("backlog_at_end") + " at the end)"));
        }
        Map<String, Object> retained = map(result, "sustained_retained");
        if (retained != null) {
            row(md, "Sustained " + retained.get("seconds") + " s at " + retained.get("offered_rate_per_second")
                    + " offered, " + retained.get("relay") + ": produced / delivered (events/s)",
                    retained.get("produced_per_second") + " / " + retained.get("delivered_per_second")
                    + (Boolean.TRUE.equals(retained.get("backlog_not_growing")) ? " (backlog not growing)"
                    : " (backlog growing: " + retained.get("backlog_at_end") + " at the end)"));
        }
        Object ackDelay = map(result, "settings").get("relay_ack_delay_ms");
        String acks = ackDelay instanceof Number delay && delay.intValue() > 0
                ? "Kafka ack delayed " + delay + " ms" : "Kafka ack";
        Map<String, Object> latency = map(result, "latency");
        if (latency != null) {
            row(md, "Latency at " + latency.get("offered_rate_per_second") + "/s, commit to " + acks + " p50 / p90 / p99 / max (ms)",
                    percentiles(map(latency, "commit_to_ack_ms")));
            row(md, "Latency, commit to consumer p50 / p90 / p99 / max (ms)", percentiles(map(latency, "commit_to_consumer_ms")));
        }
        Map<String, Object> latencyPartitions = map(result, "latency_partition_leases");
        if (latencyPartitions != null) {
            row(md, "Latency at " + latencyPartitions.get("offered_rate_per_second") + "/s, partition-leased claims,"
                    + " commit to " + acks + " p50 / p90 / p99 / max (ms)", percentiles(map(latencyPartitions, "commit_to_ack_ms")));
        }
        Map<String, Object> unsignalled = map(result, "latency_unsignalled");
        if (unsignalled != null) {
            row(md, "Latency at " + unsignalled.get("offered_rate_per_second") + "/s, plain SQL producers the relay does not"
                    + " hear, commit to " + acks + " p50 / p90 / p99 / max (ms)", percentiles(map(unsignalled, "commit_to_ack_ms")));
        }
        keyOrderProbe(md, map(result, "key_order_probe"));
        if (drain != null) {
            row(md, "Relay CPU per 100k events, drain (s)", drain.get("relay_cpu_seconds_per_100k_events"));
            if (drain.containsKey("row_writes_per_event")) {
                row(md, "Row writes per delivered event, drain", drain.get("row_writes_per_event"));
                row(md, "WAL bytes per delivered event, drain", drain.get("wal_bytes_per_event"));
            } else {
                row(md, "Row writes per delivered event, drain (server-wide count)",
                        drain.get("row_writes_per_event_server_wide"));
                row(md, "Redo log bytes per delivered event, drain (server-wide count)",
                        drain.get("redo_log_bytes_per_event_server_wide"));
            }
            row(md, "Outbox table size after the drain (bytes)", drain.get("table_bytes_after"));
        }
        claimStrategies(md, map(result, "claim_strategies"));
        peers(md, result.get("peers"), drain, map(result, "drain_partition_leases"));
        microbenchmarks(md, map(result, "microbenchmarks"));
        tableSamples(md, map(result, "sustained_retained"));
        return md.toString();
    }

    /** The sustained_retained run's samples over time: does the table stay flat? */
    private static void tableSamples(StringBuilder md, Map<String, Object> retained) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> samples = retained == null ? null : (List<Map<String, Object>>) retained.get("samples");
        if (samples == null || samples.isEmpty()) {
            return;
        }
        md.append("\nSustained run with retention, over time (first run):\n\n")
                .append("| s | produced | delivered | backlog | table bytes | heap bytes | live rows | dead rows | autovacuums |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> sample : samples) {
            md.append("| ").append(sample.get("at_seconds")).append(" | ").append(sample.get("produced")).append(" | ")
                    .append(sample.get("delivered")).append(" | ").append(sample.get("backlog")).append(" | ")
                    .append(sample.get("table_bytes")).append(" | ").append(sample.get("heap_bytes")).append(" | ")
                    .append(sample.get("live_rows")).append(" | ").append(sample.get("dead_rows")).append(" | ")
                    .append(sample.get("autovacuums")).append(" |\n");
        }
    }

    private static void drainVariant(StringBuilder md, Map<String, Object> drain, String name) {
        if (drain != null) {
            row(md, "Drain " + drain.get("backlog") + ", 1 relay, " + name + " (events/s; row writes/event; "
                            + logLabel(drain) + ")",
                    drain.get("events_per_second") + "; " + rowWrites(drain) + "; " + logBytes(drain));
        }
    }

    private static void peers(StringBuilder md, Object peerResults, Map<String, Object> drain,
                              Map<String, Object> partitionDrain) {
        if (peerResults == null) {
            md.append("\nPeers were not run.\n");
            return;
        }
        if (!(peerResults instanceof Map<?, ?>)) {
            md.append("\nPeers ").append(peerResults).append(".\n");
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> peers = (Map<String, Object>) peerResults;
        Map<String, Object> gruelbox = map(peers, "gruelbox_transaction_outbox");
        if (gruelbox != null) {
            peer(md, "gruelbox", gruelbox, drain, partitionDrain);
        }
        Object debezium = peers.get("debezium_outbox_router");
        if (debezium instanceof Map<?, ?>) {
            peer(md, "Debezium", map(peers, "debezium_outbox_router"), drain, partitionDrain);
        } else if (debezium != null) {
            md.append("\nDebezium peer ").append(debezium).append(".\n");
        }
    }

    private static void peer(StringBuilder md, String name, Map<String, Object> peer, Map<String, Object> drain,
                             Map<String, Object> partitionDrain) {
        Map<String, Object> peerDrain = map(peer, "drain");
        row(md, "Peer " + name + ": drain " + peerDrain.get("backlog") + " (events/s)", peerDrain.get("events_per_second"));
        double peerRate = ((Number) peerDrain.get("events_per_second")).doubleValue();
        if (drain != null && peerRate > 0) {
            row(md, "Mailroom / " + name + " drain ratio", Ceilings.round(((Number) drain.get("events_per_second"))
                    .doubleValue() / peerRate));
        }
        if (partitionDrain != null && peerRate > 0) {
            row(md, "Mailroom partition-leased / " + name + " drain ratio", Ceilings.round(
                    ((Number) partitionDrain.get("events_per_second")).doubleValue() / peerRate));
        }
        row(md, "Peer " + name + ": commit to Kafka ack p50 / p90 / p99 / max (ms)",
                percentiles(map(map(peer, "latency"), "commit_to_ack_ms")));
    }

    private static void claimStrategies(StringBuilder md, Map<String, Object> strategies) {
        if (strategies == null) {
            return;
        }
        for (String name : List.of("lease", "lease_key_ordered", "row_lock", "row_lock_key_ordered", "row_lock_delete",
                "row_lock_key_ordered_delete")) {
            Map<String, Object> figures = map(strategies, name);
            row(md, "Claim experiment, database only, " + name + " (rows/s; row writes/event; " + logLabel(figures) + ")",
                    figures.get("rows_per_second") + "; " + rowWrites(figures) + "; " + logBytes(figures));
        }
    }

    private static void microbenchmarks(StringBuilder md, Map<String, Object> jmh) {
        if (jmh == null) {
            return;
        }
        for (Map.Entry<String, Object> entry : jmh.entrySet()) {
            if (entry.getValue() instanceof Map<?, ?>) {
                Map<String, Object> figure = map(jmh, entry.getKey());
                row(md, "JMH " + entry.getKey() + " (ns/op ± 99.9% error)",
                        figure.get("ns_per_op") + " ± " + figure.get("error_ns_99_9"));
            }
        }
    }

    private static void ratios(StringBuilder md, Map<String, Object> ratios, String ceiling) {
        if (ratios == null || ratios.isEmpty()) {
            return;
        }
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        ratios.forEach((drain, ratio) -> {
            names.append(names.length() == 0 ? "" : " / ").append(drain);
            values.append(values.length() == 0 ? "" : " / ").append(ratio);
        });
        row(md, "Drain ratio to the " + ceiling + ": " + names, values);
    }

    private static void keyOrderProbe(StringBuilder md, Map<String, Object> probe) {
        if (probe == null) {
            return;
        }
        for (String key : List.of("key_with_history", "key_without_history")) {
            Map<String, Object> figures = map(probe, key);
            row(md, "Key-ordered claim, " + key.replace('_', ' ') + " (" + probe.get("delivered_rows_of_the_key")
                    + " delivered rows in the first): median / p90 ms; reads of one claim", figures.get("claim_ms_median")
                    + " / " + figures.get("claim_ms_p90") + "; " + figures.get("reads_of_one_claim"));
        }
    }

    private static Object rowWrites(Map<String, Object> figures) {
        return figures.containsKey("row_writes_per_event") ? figures.get("row_writes_per_event")
                : figures.get("row_writes_per_event_server_wide");
    }

    private static String logLabel(Map<String, Object> figures) {
        return figures.containsKey("wal_bytes_per_event") ? "WAL bytes/event" : "redo log bytes/event, server-wide";
    }

    private static Object logBytes(Map<String, Object> figures) {
        return figures.containsKey("wal_bytes_per_event") ? figures.get("wal_bytes_per_event")
                : figures.get("redo_log_bytes_per_event_server_wide");
    }

    private static String percentiles(Map<String, Object> p) {
        return p.get("p50") + " / " + p.get("p90") + " / " + p.get("p99") + " / " + p.get("max");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    private static void row(StringBuilder md, String measure, Object value) {
        md.append("| ").append(measure).append(" | ").append(value).append(" |\n");
    }
}
