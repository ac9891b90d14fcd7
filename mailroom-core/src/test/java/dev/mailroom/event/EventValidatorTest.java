package dev.mailroom.event;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private final EventValidator validator = new EventValidator(
            PublishLimits.defaults().withMaxPayloadBytes(64).withMaxHeaderBytes(32));

    @Test
    void acceptsAWellFormedEvent() {
        assertThatCode(() -> validator.validate(OutboxEvent.builder("order.placed").key("o-1")
                .json("{\"id\":1,\"items\":[1,2]}").header("trace", "abc").build())).doesNotThrowAnyException();
    }

    @Test
    void refusesBlankOrNullEventTypes() {
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder(" ").json("{}").build()))
                .isInstanceOf(BlankEventTypeException.class);
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder(null).json("{}").build()))
                .isInstanceOf(BlankEventTypeException.class);
    }

    @Test
    void refusesAPayloadOverTheLimitAndSaysBothSizes() {
        String big = "{\"a\":\"" + "x".repeat(60) + "\"}";
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json(big).build()))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining(big.length() + " bytes")
                .hasMessageContaining("limit is 64");
    }

    @Test
    void refusesInvalidJsonWhenDeclaredJson() {
        for (String bad : new String[] {"{", "{\"a\":1} trailing", "", "{\"a\":1,\"a\":2}", "not json", "[1,]"}) {
            assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json(bad).build()))
                    .as(bad).isInstanceOf(InvalidJsonPayloadException.class);
        }
    }

    @Test
    void acceptsAnyBytesWhenNotDeclaredJson() {
        byte[] binary = {0, (byte) 0xff, 1, 2};
        assertThatCode(() -> validator.validate(OutboxEvent.builder("t")
                .payload(binary, "application/octet-stream").build())).doesNotThrowAnyException();
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t")
                .payload("{".getBytes(StandardCharsets.UTF_8), "application/cloudevents+json").build()))
                .isInstanceOf(InvalidJsonPayloadException.class);
    }

    @Test
    void refusesOversizedOrMalformedHeaders() {
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json("{}")
                .header("h", "v".repeat(40)).build()))
                .isInstanceOf(HeadersTooLargeException.class);
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json("{}").header(" ", "v").build()))
                .isInstanceOf(InvalidHeaderException.class);
    }

    @Test
    void refusesMissingPayloadContentTypeLongKeyAndBadVersion() {
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").build()))
                .isInstanceOf(MissingPayloadException.class);
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").payload(new byte[1], " ").build()))
                .isInstanceOf(MissingContentTypeException.class);
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json("{}")
                .key("k".repeat(PublishLimits.DEFAULT_MAX_KEY_LENGTH + 1)).build()))
                .isInstanceOf(KeyTooLongException.class);
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json("{}").eventVersion(0).build()))
                .isInstanceOf(InvalidEventVersionException.class);
    }

    @Test
    void correlationIdDefaultsToTheEventIdAndIdsAreTimeOrdered() {
        OutboxEvent first = OutboxEvent.builder("t").json("{}").build();
        OutboxEvent second = OutboxEvent.builder("t").json("{}").build();
        org.assertj.core.api.Assertions.assertThat(first.correlationId()).isEqualTo(first.eventId().toString());
        org.assertj.core.api.Assertions.assertThat(first.eventId().version()).isEqualTo(7);
        org.assertj.core.api.Assertions.assertThat(second.eventId().toString())
                .isGreaterThan(first.eventId().toString());
    }

    @Test
    void refusesNulAndUnpairedSurrogatesInEveryTextFieldNamingTheField() {
        String[] bad = {"a\u0000b", "a\ud800b", "a\udc00", "end\ud83d"};
        for (String text : bad) {
            assertField(OutboxEvent.builder(text).json("{}"), "eventType");
            assertField(OutboxEvent.builder("t").json("{}").key(text), "key");
            assertField(OutboxEvent.builder("t").json("{}").tenantId(text), "tenantId");
            assertField(OutboxEvent.builder("t").json("{}").correlationId(text), "correlationId");
            assertField(OutboxEvent.builder("t").payload(new byte[1], "text/plain" + text), "contentType");
            assertField(OutboxEvent.builder("t").json("{}").header("h", text), "header 'h'");
            assertField(OutboxEvent.builder("t").json("{}").header(text, "v"), "header name");
            assertField(OutboxEvent.builder("t").json("{\"a\":\"" + text + "\"}"), "JSON payload text");
        }
    }

    @Test
    void acceptsSurrogatePairsAndEscapedNulInJson() {
        assertThatCode(() -> validator.validate(OutboxEvent.builder("t").key("\ud83d\ude00")
                .json("{\"a\":\"\\u0000 \ud83d\ude00\"}").header("emoji", "\ud83d\ude00").build()))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesHeaderNamesMailroomWritesItself() {
        for (String name : new String[] {"ce_id", "CE_ID", "ce_type", "ce_source", "ce_anything", "content-type",
                "Content-Type"}) {
            assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json("{}").header(name, "x").build()))
                    .as(name).isInstanceOf(ReservedHeaderException.class).hasMessageContaining(name);
        }
        assertThatCode(() -> new EventValidator(PublishLimits.defaults()).validate(OutboxEvent.builder("t").json("{}")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").build()))
                .doesNotThrowAnyException();
    }

    @Test
    void nullHeaderNamesAndValuesAreInvalidHeadersNotNullPointers() {
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json("{}").header("h", null).build()))
                .isInstanceOf(InvalidHeaderException.class).hasMessageContaining("'h'");
        java.util.Map<String, String> withNullName = new java.util.HashMap<>();
        withNullName.put(null, "v");
        assertThatThrownBy(() -> validator.validate(OutboxEvent.builder("t").json("{}").headers(withNullName).build()))
                .isInstanceOf(InvalidHeaderException.class);
        assertThatThrownBy(() -> OutboxEvent.builder("t").headers(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("headers");
        assertThatThrownBy(() -> OutboxEvent.builder("t").eventId(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventId");
        assertThatThrownBy(() -> validator.validate(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event");
    }

    @Test
    void aKeyTooLongForTheIndexInBytesIsRefusedEvenWithinTheCharacterLimit() {
        String wide = "\u20ac".repeat(PublishLimits.DEFAULT_MAX_KEY_LENGTH); // 1,024 characters, 3,072 bytes
        assertThatThrownBy(() -> new EventValidator(PublishLimits.defaults())
                .validate(OutboxEvent.builder("t").json("{}").key(wide).build()))
                .isInstanceOf(KeyTooLongException.class).hasMessageContaining("3072 bytes");
    }

    @Test
    void withTheDefaultLimitsAnEventAtEverySeparateLimitWithShortIdsFitsTheRecordLimit() {
        EventValidator defaults = new EventValidator(PublishLimits.defaults());
        String payload = "\"" + "a".repeat(PublishLimits.DEFAULT_MAX_PAYLOAD_BYTES - 2) + "\"";
        OutboxEvent.Builder largest = OutboxEvent.builder("order.placed").json(payload)
                .key("\u00fc".repeat(EventValidator.MAX_KEY_BYTES / 2)); // 1,000 characters, 2,000 bytes
        for (int i = 0; i < 16; i++) {
            largest.header("h" + i, "v".repeat(1000));
        }
        assertThatCode(() -> defaults.validate(largest.build())).doesNotThrowAnyException();
    }

    @Test
    void anEventLargerAsARecordThanTheTransportAcceptsIsRefusedBeforeAnythingIsWritten() {
        EventValidator small = new EventValidator(PublishLimits.defaults().withMaxRecordBytes(4096));
        String payload = "\"" + "a".repeat(3000) + "\"";
        assertThatCode(() -> small.validate(OutboxEvent.builder("t").json(payload).build())).doesNotThrowAnyException();
        assertThatThrownBy(() -> small.validate(OutboxEvent.builder("t").json(payload).tenantId("x".repeat(100))
                .header("origin", "y".repeat(100)).build()))
                .isInstanceOf(EventTooLargeException.class).hasMessageContaining("accepts 4096");
    }

    private void assertField(OutboxEvent.Builder event, String field) {
        assertThatThrownBy(() -> validator.validate(event.build()))
                .isInstanceOf(InvalidTextException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((InvalidTextException) e).field())
                        .startsWith(field));
    }
}
