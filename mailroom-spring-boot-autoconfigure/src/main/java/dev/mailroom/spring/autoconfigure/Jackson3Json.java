package dev.mailroom.spring.autoconfigure;

import dev.mailroom.spring.MailroomJson;
import tools.jackson.databind.ObjectMapper;

/** Payload JSON through the application's Jackson 3 mapper (Spring Boot 4's default). */
final class Jackson3Json implements MailroomJson {

    private final ObjectMapper mapper;

    Jackson3Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String write(Object value) {
        return mapper.writeValueAsString(value);
    }

    @Override
    public <T> T read(byte[] json, Class<T> type) {
        return mapper.readValue(json, type);
    }

    @Override
    public String toString() {
        return "Jackson 3 (" + mapper.getClass().getSimpleName() + ")";
    }
}
