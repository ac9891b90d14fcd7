package dev.mailroom.bench.jmh;

import dev.mailroom.jdbc.dialect.OutboxSql;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.internal.HeadersCodec;
import dev.mailroom.kafka.CloudEventHeaders;
import dev.mailroom.routing.TableName;
import dev.mailroom.transport.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The per-event CPU work in Mailroom's own code that the end-to-end run cannot separate from the
 * database and the broker: CloudEvents headers for each Kafka record, the JSON headers column
 * written at publish and read at claim, and the multi-row INSERT text built for each published batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmarks {

    private final Envelope envelope = new Envelope(UUID.randomUUID(), "order.placed", "key-42",
            "{\"orderId\":\"order-42\"}".getBytes(StandardCharsets.UTF_8), "application/json",
            Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "tenant-a",
            UUID.randomUUID().toString(), 1, Instant.now(), "bench.orders", "/mailroom/orders");
    private final Map<String, String> headers = Map.of("traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "source-system", "checkout");
    private final String headersJson = HeadersCodec.encode(headers);
    private final OutboxSql sql = SqlDialect.postgresql().outbox(TableName.of("orders_outbox")).sql();

    /** Per delivered event: the Envelope mapped to CloudEvents Kafka headers. */
    @Benchmark
    public RecordHeaders cloudEventHeaders() {
        RecordHeaders recordHeaders = new RecordHeaders();
        CloudEventHeaders.write(envelope, recordHeaders);
        return recordHeaders;
    }

    /** Per published event: the headers map written as the jsonb column's text. */
    @Benchmark
    public String headersEncode() {
        return HeadersCodec.encode(headers);
    }

    /** Per claimed event: the jsonb column read back into a map. */
    @Benchmark
    public Map<String, String> headersDecode() {
        return HeadersCodec.decode(headersJson).headers();
    }

    /** Per published batch of 100: the multi-row INSERT statement's text. */
    @Benchmark
    public String insertSqlFor100Rows() {
        return sql.insert(100);
    }
}
