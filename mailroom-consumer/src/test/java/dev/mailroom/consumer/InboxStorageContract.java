package dev.mailroom.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.event.OutboxEvent;
import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.jdbc.store.OutboxStore;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.TableName;
import dev.mailroom.testkit.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the inbox stores of records from foreign producers, read back as the worker reads it: one
 * batch per test, written as the receiver writes it, mixing records every database stores as they
 * came with records the inbox must change (and dead-letter with the reason). The outcome is the
 * same on every database.
 */
abstract class InboxStorageContract {

    private static final String TOPIC = "foreign";

    private final List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    private InboxWriter writer;
    private OutboxStore inbox;

    @BeforeEach
    void freshInbox(TestDatabase database) {
        SqlDialect dialect = SqlDialect.detect(database.dataSource());
        TableName table = TableName.of("foreign_" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "_inbox");
        new SchemaMigrator(database.dataSource(), dialect).migrateInbox(table, "mailroom_" + table.name());
        writer = new InboxWriter(database.dataSource(), dialect, table, 5);
        inbox = OutboxStore.create(database.dataSource(), dialect, table, RetryPolicy.defaults());
    }

    @Test
    void payloadsComeBackByteForByteWhateverTheyHold() {
        byte[] everyByte = new byte[1024];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] large = new byte[900_000];
        ThreadLocalRandom.current().nextBytes(large);
        byte[] notJson = {'{', 'n', 'o', 't', ' ', 0, (byte) 0xC3, (byte) 0x28, '"'};
        UUID binary = add(utf8("k"), everyByte, "content-type", "application/octet-stream");
        UUID big = add(utf8("k"), large, "content-type", "application/octet-stream");
        UUID text = add(utf8("k"), notJson);
        UUID empty = add(utf8("k"), new byte[0]);
        UUID tombstone = add(utf8("k"), null);

        assertThat(writeBatch()).isEqualTo(5);

        assertThat(assertStoredAsItCame(binary)).satisfies(row -> {
            assertThat(row.payload()).isEqualTo(everyByte);
            assertThat(row.contentType()).isEqualTo("application/octet-stream");
        });
        assertThat(assertStoredAsItCame(big).payload()).isEqualTo(large);
        assertThat(assertStoredAsItCame(text)).satisfies(row -> {
            assertThat(row.payload()).as("the worker finds it does not parse").isEqualTo(notJson);
            assertThat(row.contentType()).isEqualTo(OutboxEvent.JSON);
        });
        assertThat(assertStoredAsItCame(empty).payload()).isEmpty();
        assertThat(poisonOf(tombstone)).isEqualTo("record has no value");
        assertThat(row(tombstone).payload()).isEmpty();
    }

    @Test
    void aBatchOfLargeRecordsIsStoredWhole() {
        byte[] large = new byte[900_000];
        ThreadLocalRandom.current().nextBytes(large);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(add(utf8("k" + i), large, "content-type", "application/octet-stream"));
        }

        assertThat(writeBatch()).isEqualTo(30);

        ids.forEach(id -> assertThat(assertStoredAsItCame(id).payload()).isEqualTo(large));
    }

    @Test
    void oddHeadersComeBackAsTheyCame() {
        ConsumerRecord<byte[], byte[]> record = record(utf8("k"), utf8("{}"));
        Map<String, String> odd = new LinkedHashMap<>();
        odd.put("Origin", "web");
        odd.put("origin", "go");
        odd.put("x trace id", " a b ");
        odd.put("名前", "値");
        odd.put("emoji-\uD83D\uDE00", "\uD83D\uDE00\uD83C\uDF89");
        odd.put("quote\"back\\slash", "\"\\\n\t\u0001\u007F");
        odd.put("$.a[0]", "looks like a JSON path");
        odd.put("json", "{\"a\":[1,2]}");
        odd.put("empty", "");
        odd.put("big", "v".repeat(100_000));
        odd.forEach((name, value) -> record.headers().add(name, utf8(value)));
        record.headers().add("no-value", null);
        record.headers().add("twice", utf8("first"));
        record.headers().add("twice", utf8("second"));
        UUID id = add(record);

        assertThat(writeBatch()).isEqualTo(1);

        Map<String, String> expected = new LinkedHashMap<>(odd);
        expected.put("no-value", "");
        expected.put("twice", "second");
        expected.put("ce_id", id.toString());
        expected.put("ce_type", "order.placed");
        expected.put("kafka.topic", TOPIC);
        expected.put("kafka.partition", "0");
        expected.put("kafka.offset", Long.toString(record.offset()));
        assertThat(assertStoredAsItCame(id).headers()).isEqualTo(expected);
    }

    @Test
    void keysComeBackAsTheyCameUpToTheIndexLimitAndLongerOnesAreCutShortAndNamed() {
        List<String> keys = List.of("K", "k", "k ", " k", "", "\uD83D\uDE00", "x".repeat(InboxRecords.MAX_KEY_BYTES),
                "€".repeat(666) + "ab");
        Map<UUID, String> ids = new LinkedHashMap<>();
        keys.forEach(key -> ids.put(add(utf8(key), utf8("{}")), key));
        UUID noKey = add(null, utf8("{}"));
        UUID tooLong = add(utf8("€".repeat(667)), utf8("{}"));

        assertThat(writeBatch()).isEqualTo(keys.size() + 2);

        ids.forEach((id, key) -> assertThat(assertStoredAsItCame(id).key()).isEqualTo(key));
        assertThat(assertStoredAsItCame(noKey).key()).isNull();
        assertThat(row(tooLong).key()).isEqualTo("€".repeat(666));
        assertThat(poisonOf(tooLong)).contains("record key is 667 characters (2001 bytes)");
    }

    @Test
    void idsTypesAndVersionsComeBackAsTheyCame() {
        ConsumerRecord<byte[], byte[]> record = record(utf8("k"), utf8("{}"));
        record.headers().add("ce_tenantid", utf8("acme-\uD83D\uDE00 "));
        record.headers().add("ce_correlationid", utf8("corr-" + "c".repeat(5000)));
        record.headers().add("ce_eventversion", utf8(" 3 "));
        record.headers().add("content-type", utf8("text/plain; charset=ISO-8859-1"));
        UUID id = add(record, "ünïcödé.type/v2 ");
        ConsumerRecord<byte[], byte[]> noCeId = new ConsumerRecord<>(TOPIC, 1, 42, utf8("k"), utf8("{}"));
        noCeId.headers().add("ce_type", utf8("order.placed"));
        batch.add(noCeId);
        ConsumerRecord<byte[], byte[]> notAUuid = new ConsumerRecord<>(TOPIC, 1, 43, utf8("k"), utf8("{}"));
        notAUuid.headers().add("ce_id", utf8("order-17"));
        notAUuid.headers().add("ce_type", utf8("order.placed"));
        batch.add(notAUuid);

        assertThat(writeBatch()).isEqualTo(3);

        assertThat(assertStoredAsItCame(id)).satisfies(row -> {
            assertThat(row.eventType()).isEqualTo("ünïcödé.type/v2 ");
            assertThat(row.tenantId()).isEqualTo("acme-\uD83D\uDE00 ");
            assertThat(row.correlationId()).isEqualTo("corr-" + "c".repeat(5000));
            assertThat(row.eventVersion()).isEqualTo(3);
            assertThat(row.contentType()).isEqualTo("text/plain; charset=ISO-8859-1");
        });
        UUID fromCoordinates = UUID.nameUUIDFromBytes(utf8(TOPIC + ":1:42"));
        assertThat(assertStoredAsItCame(fromCoordinates).headers()).doesNotContainKey("ce_id");
        UUID fromForeignId = UUID.nameUUIDFromBytes(utf8("ce_id:order-17"));
        assertThat(assertStoredAsItCame(fromForeignId).headers()).containsEntry("ce_id", "order-17");
    }

    @Test
    void nulAndInvalidUtf8AreReplacedAndNamedTheSameOnEveryDatabase() {
        UUID nulKey = add(utf8("a\0b"), utf8("{}"));
        ConsumerRecord<byte[], byte[]> headers = record(utf8("k"), utf8("{}"));
        headers.headers().add("x-\0name", utf8("v"));
        headers.headers().add("ce_tenantid", new byte[] {'a', (byte) 0xFF, 'z'});
        UUID badHeaders = add(headers);
        UUID fine = add(utf8("k"), utf8("{}"));

        assertThat(writeBatch()).isEqualTo(3);

        assertThat(row(nulKey).key()).isEqualTo("a\uFFFDb");
        assertThat(poisonOf(nulKey)).contains("record key contains a NUL");
        assertThat(row(badHeaders).headers()).containsEntry("x-\uFFFDname", "v");
        assertThat(row(badHeaders).tenantId()).isEqualTo("a\uFFFDz");
        assertThat(poisonOf(badHeaders)).contains("header name 'x-\uFFFDname' contains a NUL",
                "header 'ce_tenantid' is not valid UTF-8");
        assertStoredAsItCame(fine);
    }

    @Test
    void overLongTypesAndIdsAreCutToWhatEveryDatabaseHoldsAndNamedAndTheirBatchIsStored() {
        String emojiType = "\uD83D\uDE00".repeat(InboxRecords.MAX_TYPE_CHARACTERS);
        UUID withinTheLimit = add(record(utf8("k"), utf8("{}")), emojiType);
        UUID longType = add(record(utf8("k"), utf8("{}")), "t".repeat(300));
        ConsumerRecord<byte[], byte[]> record = record(utf8("k"), utf8("{}"));
        record.headers().add("ce_tenantid", utf8("t".repeat(70_000)));
        record.headers().add("ce_correlationid", utf8("€".repeat(30_000)));
        record.headers().add("content-type", utf8("c".repeat(70_000)));
        UUID longIds = add(record);
        UUID fine = add(utf8("k"), utf8("{}"));

        assertThat(writeBatch()).isEqualTo(4);

        assertThat(assertStoredAsItCame(withinTheLimit).eventType()).isEqualTo(emojiType);
        assertThat(row(longType).eventType()).isEqualTo("t".repeat(InboxRecords.MAX_TYPE_CHARACTERS));
        assertThat(poisonOf(longType)).isEqualTo("header 'ce_type' is 300 characters, the inbox takes at most 255"
                + " (stored cut short)");
        assertThat(row(longIds)).satisfies(row -> {
            assertThat(row.tenantId()).isEqualTo("t".repeat(InboxRecords.MAX_TEXT_BYTES));
            assertThat(row.correlationId()).isEqualTo("€".repeat(InboxRecords.MAX_TEXT_BYTES / 3));
            assertThat(row.contentType()).isEqualTo("c".repeat(InboxRecords.MAX_TEXT_BYTES));
            assertThat(row.headers().get("ce_tenantid")).as("the headers keep it whole").hasSize(70_000);
        });
        assertThat(poisonOf(longIds)).contains(
                "header 'content-type' is 70000 characters (70000 bytes), the inbox takes at most 65535 bytes",
                "header 'ce_tenantid' is 70000 characters",
                "header 'ce_correlationid' is 30000 characters (90000 bytes)");
        assertStoredAsItCame(fine);
    }

    private ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
        return new ConsumerRecord<>(TOPIC, 0, batch.size(), key, value);
    }

    /** Adds a Mailroom-like record (a {@code ce_id} and a {@code ce_type}) with extra headers as name, value pairs. */
    private UUID add(byte[] key, byte[] value, String... headers) {
        ConsumerRecord<byte[], byte[]> record = record(key, value);
        for (int i = 0; i < headers.length; i += 2) {
            record.headers().add(headers[i], utf8(headers[i + 1]));
        }
        return add(record);
    }

    private UUID add(ConsumerRecord<byte[], byte[]> record) {
        return add(record, "order.placed");
    }

    private UUID add(ConsumerRecord<byte[], byte[]> record, String type) {
        UUID id = UUID.randomUUID();
        record.headers().add("ce_id", utf8(id.toString()));
        record.headers().add("ce_type", utf8(type));
        batch.add(record);
        return id;
    }

    /** Writes the batch as the receiver does; returns how many events were new. */
    private int writeBatch() {
        return writer.write(batch.stream().map(InboxRecords::toInboxEvent).toList());
    }

    private OutboxRow row(UUID eventId) {
        return inbox.find(eventId).orElseThrow(() -> new AssertionError("no inbox row for " + eventId));
    }

    private String poisonOf(UUID eventId) {
        return row(eventId).headers().get(InboxRecords.POISON_HEADER);
    }

    /** The row, checked to be neither poison nor defective. */
    private OutboxRow assertStoredAsItCame(UUID eventId) {
        OutboxRow row = row(eventId);
        assertThat(row.headers()).as("poison reason").doesNotContainKey(InboxRecords.POISON_HEADER);
        assertThat(row.defect()).isNull();
        return row;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
