package dev.mailroom.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** What an endpoint answers: status, media type and body bytes. */
record Reply(int status, String contentType, byte[] body) {

    static final String JSON = "application/json; charset=utf-8";

    static Reply json(JsonNode body) {
        return json(200, body);
    }

    static Reply json(int status, JsonNode body) {
        try {
            return new Reply(status, JSON, Values.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    static Reply text(String contentType, String body) {
        return new Reply(200, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
}
