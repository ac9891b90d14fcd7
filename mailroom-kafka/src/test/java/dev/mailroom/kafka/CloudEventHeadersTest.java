package dev.mailroom.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.transport.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CloudEventHeadersTest {

    @Test
    void writesTheBinaryModeAttributesExtensionsAndTheRowsOwnHeaders() {
        UUID id = UUID.fromString("01a20b74-bdfd-7d6e-ab62-fea897d9e8f9");
        Envelope envelope = new Envelope(id, "order.placed", "order-1", "{}".getBytes(StandardCharsets.UTF_8),
                "application/json", Map.of("origin", "web", "traceparent", "00-abc-def-01"), "acme", "corr-1", 2,
                Instant.parse("2026-11-24T10:15:30.123Z"), "orders.events", "/mailroom/orders");
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(envelope, headers);

        assertThat(CloudEventHeaders.read(headers, "ce_specversion")).isEqualTo("1.0");
        assertThat(CloudEventHeaders.read(headers, "ce_id")).isEqualTo(id.toString());
        assertThat(CloudEventHeaders.read(headers, "ce_source")).isEqualTo("/mailroom/orders");
        assertThat(CloudEventHeaders.read(headers, "ce_type")).isEqualTo("order.placed");
        assertThat(CloudEventHeaders.read(headers, "ce_time")).isEqualTo("2026-11-24T10:15:30.123Z");
        assertThat(CloudEventHeaders.read(headers, "content-type")).isEqualTo("application/json");
        assertThat(CloudEventHeaders.read(headers, "ce_tenantid")).isEqualTo("acme");
        assertThat(CloudEventHeaders.read(headers, "ce_correlationid")).isEqualTo("corr-1");
        assertThat(CloudEventHeaders.read(headers, "ce_eventversion")).isEqualTo("2");
        assertThat(CloudEventHeaders.read(headers, "ce_partitionkey")).isEqualTo("order-1");
        assertThat(CloudEventHeaders.read(headers, "origin")).isEqualTo("web");
        assertThat(CloudEventHeaders.read(headers, "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(CloudEventHeaders.read(headers, "ce_traceparent")).isEqualTo("00-abc-def-01");
    }

    @Test
    void absentOptionalAttributesAreLeftOut() {
        Envelope envelope = new Envelope(UUID.randomUUID(), "t", null, new byte[0], "application/json", Map.of(),
                null, "c", 1, null, "topic", "/s");
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(envelope, headers);
        assertThat(headers.lastHeader("ce_tenantid")).isNull();
        assertThat(headers.lastHeader("ce_partitionkey")).isNull();
        assertThat(headers.lastHeader("ce_time")).isNull();
    }
}
