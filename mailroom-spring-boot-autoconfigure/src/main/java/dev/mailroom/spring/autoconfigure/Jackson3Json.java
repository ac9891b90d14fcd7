package dev.mailroom.spring.autoconfigure;

import dev.mailroom.spring.MailroomJson;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Payload JSON through the application's Jackson 3 mapper (Spring Boot 4's default). */
final class Jackson3Json implements MailroomJson {

    private final ObjectMapper mapper;

    private static final boolean PRESENT = ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
            Jackson3Json.class.getClassLoader());

    Jackson3Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The application's unique (or primary) Jackson 3 {@code JsonMapper}, or null when Jackson 3 or the bean is absent. */
    static MailroomJson ofApplication(ListableBeanFactory beans) {
        if (!PRESENT) {
            return null;
        }
        JsonMapper mapper = beans.getBeanProvider(JsonMapper.class).getIfUnique();
        return mapper == null ? null : new Jackson3Json(mapper);
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
