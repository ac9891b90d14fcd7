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
}
