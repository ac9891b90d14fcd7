package dev.mailroom.spring.autoconfigure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailroom.spring.MailroomJson;
import java.io.IOException;

/** Payload JSON through a Jackson 2 mapper: the application's, or the consumer's default one. */
final class Jackson2Json implements MailroomJson {

    private final ObjectMapper mapper;

    Jackson2Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** What a plain Java consumer uses: unknown properties ignored. */
    static Jackson2Json defaults() {
        return new Jackson2Json(new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false));
    }

    @Override
    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public <T> T read(byte[] json, Class<T> type) throws IOException {
        return mapper.readValue(json, type);
    }

    @Override
    public String toString() {
        return "Jackson 2 (" + mapper.getClass().getSimpleName() + ")";
    }
}
