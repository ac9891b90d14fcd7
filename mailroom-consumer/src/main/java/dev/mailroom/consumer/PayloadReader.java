package dev.mailroom.consumer;

/**
 * Decodes an event's payload into the type its handler takes. Any exception means the payload does
 * not parse: the event is dead-lettered with the reason, never retried. The default reads JSON with
 * Jackson 2 ({@link ConsumerRunner.Builder#objectMapper}); a framework can plug in its own mapper.
 */
public interface PayloadReader {

    <T> T read(byte[] payload, Class<T> type) throws Exception;
}
