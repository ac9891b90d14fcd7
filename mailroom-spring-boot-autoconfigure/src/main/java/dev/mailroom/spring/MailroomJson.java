package dev.mailroom.spring;

/**
 * How Mailroom turns payload objects into JSON and back: by default through the application's own
 * mapper (Jackson 3's {@code JsonMapper} under Spring Boot 4, or a Jackson 2 {@code ObjectMapper}
 * bean), so handler payloads and published objects follow the application's Jackson settings.
 * Define a bean of this type to use something else.
 */
public interface MailroomJson {

    /** The JSON text of {@code value}. */
    String write(Object value);

    /** Decodes {@code json}; any exception means the payload does not parse (the event is poison). */
    <T> T read(byte[] json, Class<T> type) throws Exception;
}
