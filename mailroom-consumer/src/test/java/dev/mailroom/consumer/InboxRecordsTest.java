package dev.mailroom.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.event.OutboxEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What the inbox makes of records from foreign producers, without a database. */
class InboxRecordsTest {

    private static final byte[] INVALID_UTF8 = {'o', 'r', (byte) 0xC3, (byte) 0x28, 'd'};

    @Test
    void aWellFormedRecordIsNotPoison() {
        OutboxEvent event = InboxRecords.toInboxEvent(record("order-1", "order.placed"));
        assertThat(event.headers()).doesNotContainKey(InboxRecords.POISON_HEADER);
        assertThat(event.key()).isEqualTo("order-1");
    }

    @Test
    void nulInTheKeyOrAHeaderIsReplacedAndTheFieldNamedInThePoisonReason() {
        ConsumerRecord<byte[], byte[]> record = record("order\0-1", "order.placed");
        record.headers().add("ce_tenantid", "acme\0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("x-\0name", "v".getBytes(StandardCharsets.UTF_8));
        OutboxEvent event = InboxRecords.toInboxEvent(record);
        assertThat(event.key()).isEqualTo("order\uFFFD-1");
        assertThat(event.tenantId()).isEqualTo("acme\uFFFD");
        assertThat(event.headers()).containsKey("x-\uFFFDname");
        assertThat(event.headers().get(InboxRecords.POISON_HEADER))
                .contains("record key contains a NUL", "header 'ce_tenantid' contains a NUL",
                        "header name 'x-\uFFFDname' contains a NUL")
                .doesNotContain("\0");
        assertThat(String.join("", event.headers().values()) + event.correlationId() + event.eventType())
                .doesNotContain("\0");
    }

    @Test
    void invalidUtf8InTheKeyOrTheTypeIsNamedInThePoisonReason() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 7, INVALID_UTF8, new byte[] {'{', '}'});
        record.headers().add("ce_type", INVALID_UTF8);
        OutboxEvent event = InboxRecords.toInboxEvent(record);
        assertThat(event.key()).isEqualTo("or\uFFFD(d");
        assertThat(event.eventType()).isEqualTo("or\uFFFD(d");
        assertThat(event.headers().get(InboxRecords.POISON_HEADER))
                .contains("record key is not valid UTF-8", "header 'ce_type' is not valid UTF-8");
    }

    @Test
    void anOverLongKeyIsCutShortWithinTheIndexLimitAndNamedInThePoisonReason() {
        String threeByteChars = "€".repeat(1024);
        OutboxEvent event = InboxRecords.toInboxEvent(record(threeByteChars, "order.placed"));
        assertThat(event.key().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(InboxRecords.MAX_KEY_BYTES);
        assertThat(threeByteChars).startsWith(event.key());
        assertThat(event.headers().get(InboxRecords.POISON_HEADER)).contains("record key is 1024 characters (3072 bytes)");

        OutboxEvent longAscii = InboxRecords.toInboxEvent(record("k".repeat(5000), "order.placed"));
        assertThat(longAscii.key()).hasSize(InboxRecords.MAX_KEY_BYTES);

        OutboxEvent withinTheIndex = InboxRecords.toInboxEvent(record("k".repeat(1500), "order.placed"));
        assertThat(withinTheIndex.key()).as("longer than the publisher's default, within the index").hasSize(1500);
        assertThat(withinTheIndex.headers()).doesNotContainKey(InboxRecords.POISON_HEADER);
        assertThat(longAscii.headers().get(InboxRecords.POISON_HEADER)).contains("record key is 5000 characters");
    }

    @Test
    void anOverLongTypeOrIdIsCutShortToWhatTheColumnsHoldAndNamedInThePoisonReason() {
        ConsumerRecord<byte[], byte[]> record = record("k", "\uD83D\uDE00".repeat(256));
        record.headers().add("ce_tenantid", "€".repeat(30_000).getBytes(StandardCharsets.UTF_8));
        OutboxEvent event = InboxRecords.toInboxEvent(record);
        assertThat(event.eventType()).as("whole characters").isEqualTo("\uD83D\uDE00".repeat(255));
        assertThat(event.tenantId()).isEqualTo("€".repeat(21_845));
        assertThat(event.headers().get(InboxRecords.POISON_HEADER))
                .contains("header 'ce_type' is 256 characters, the inbox takes at most 255",
                        "header 'ce_tenantid' is 30000 characters (90000 bytes), the inbox takes at most 65535 bytes");

        OutboxEvent withinTheColumns = InboxRecords.toInboxEvent(record("k", "\uD83D\uDE00".repeat(255)));
        assertThat(withinTheColumns.eventType()).hasSize(510);
        assertThat(withinTheColumns.headers()).doesNotContainKey(InboxRecords.POISON_HEADER);
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String type) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 7,
                key.getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
