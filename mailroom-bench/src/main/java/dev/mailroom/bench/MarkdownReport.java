package dev.mailroom.bench;

import java.util.List;
import java.util.Map;

/** The short table of a benchmark result. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> result) {
        Map<String, Object> ceilings = (Map<String, Object>) result.get("ceilings");
        Map<String, Object> inserts = (Map<String, Object>) ceilings.get("inserts_batches_of_100");
        Map<String, Object> kafka = (Map<String, Object>) ceilings.get("kafka_producer");
        Map<String, Object> drain = (Map<String, Object>) result.get("drain");
        Map<String, Object> drain2 = (Map<String, Object>) result.get("drain_two_relays");
        Map<String, Object> sustained = (Map<String, Object>) result.get("sustained");
        Map<String, Object> latency = (Map<String, Object>) result.get("latency");
        Map<String, Object> ack = (Map<String, Object>) latency.get("commit_to_ack_ms");
        Map<String, Object> receipt = (Map<String, Object>) latency.get("commit_to_consumer_ms");
        Map<String, Object> machine = (Map<String, Object>) result.get("machine");
        StringBuilder md = new StringBuilder();
        md.append("# Mailroom benchmark\n\n");
        md.append("Machine: ").append(machine.get("cores")).append(" cores, ")
                .append((Long) machine.get("memory_bytes") / (1024 * 1024 * 1024)).append(" GiB, PostgreSQL ")
                .append(machine.get("postgresql")).append(", Kafka ").append(machine.get("kafka")).append(" (in-process), ")
                .append(machine.get("java")).append(". Run ").append(result.get("started_at")).append(".\n\n");
        md.append("| Measure | Value |\n|---|---|\n");
        row(md, "Ceiling: outbox inserts, batches of 100 (events/s)", inserts.get("events_per_second"));
        row(md, "Ceiling: Kafka producer alone (records/s)", kafka.get("records_per_second"));
        row(md, "Drain " + drain.get("backlog") + ", 1 relay (events/s)", drain.get("events_per_second"));
        row(md, "Drain ratio to the lower ceiling", result.get("drain_ratio_to_lower_ceiling"));
        row(md, "Drain " + drain2.get("backlog") + ", 2 relays (events/s)", drain2.get("events_per_second"));
        for (Map<String, Object> size : (List<Map<String, Object>>) result.get("drain_by_backlog_size")) {
            row(md, "Drain " + size.get("backlog") + ", 1 relay (events/s)", size.get("events_per_second"));
        }
        row(md, "Sustained: produced / delivered (events/s)", sustained.get("produced_per_second") + " / "
                + sustained.get("delivered_per_second") + (Boolean.TRUE.equals(sustained.get("backlog_not_growing"))
                ? " (backlog not growing)" : " (backlog growing: " + sustained.get("backlog_at_end") + " at the end)"));
        row(md, "Latency at " + latency.get("offered_rate_per_second") + "/s, commit to Kafka ack p50 / p90 / p99 / max (ms)",
                ack.get("p50") + " / " + ack.get("p90") + " / " + ack.get("p99") + " / " + ack.get("max"));
        row(md, "Latency, commit to consumer p50 / p90 / p99 / max (ms)",
                receipt.get("p50") + " / " + receipt.get("p90") + " / " + receipt.get("p99") + " / " + receipt.get("max"));
        row(md, "Relay CPU per 100k events, drain (s)", drain.get("relay_cpu_seconds_per_100k_events"));
        row(md, "Row writes per delivered event, drain", drain.get("row_writes_per_event"));
        row(md, "WAL bytes per delivered event, drain", drain.get("wal_bytes_per_event"));
        row(md, "Outbox table size after the drain (bytes)", drain.get("table_bytes_after"));
        Map<String, Object> peers = (Map<String, Object>) result.get("peers");
        if (peers != null) {
            Map<String, Object> gruelbox = (Map<String, Object>) peers.get("gruelbox_transaction_outbox");
            Map<String, Object> gDrain = (Map<String, Object>) gruelbox.get("drain");
            Map<String, Object> gLatency = (Map<String, Object>) gruelbox.get("latency");
            Map<String, Object> gAck = (Map<String, Object>) gLatency.get("commit_to_ack_ms");
            row(md, "Peer gruelbox: drain " + gDrain.get("backlog") + " (events/s)", gDrain.get("events_per_second"));
            row(md, "Mailroom / gruelbox drain ratio (Mailroom at 200k, gruelbox at its backlog)",
                    Ceilings.round(((Number) drain.get("events_per_second")).doubleValue()
                            / ((Number) gDrain.get("events_per_second")).doubleValue()));
            row(md, "Peer gruelbox: commit to Kafka ack p50 / p90 / p99 / max (ms)",
                    gAck.get("p50") + " / " + gAck.get("p90") + " / " + gAck.get("p99") + " / " + gAck.get("max"));
            md.append("\nDebezium's outbox router is not in the harness yet (it needs wal_level=logical).\n");
        } else {
            md.append("\nPeers were not run (--no-peers).\n");
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String measure, Object value) {
        md.append("| ").append(measure).append(" | ").append(value).append(" |\n");
    }
}
