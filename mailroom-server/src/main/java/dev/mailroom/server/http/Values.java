package dev.mailroom.server.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mailroom.ledger.LedgerState;
import dev.mailroom.state.OutboxState;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/** Parsing of request values, each refusal naming its field. */
public final class Values {

    /** Strict JSON: duplicate keys and trailing content are refused. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final String STATES = Arrays.stream(OutboxState.values()).map(OutboxState::dbValue)
            .collect(Collectors.joining(", "));

    private Values() {
    }

    public static long parseLong(String field, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(field, field + " must be a whole number, was '" + shorten(text) + "'");
        }
        if (value < min || value > max) {
            throw ApiException.badRequest(field, field + " must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    static Instant parseInstant(String field, String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field, field + " must be an RFC 3339 time in UTC such as 2026-12-01T10:15:30Z,"
                    + " was '" + shorten(text) + "'");
        }
    }

    static UUID parseUuid(String field, String text) {
        try {
            if (text.strip().length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, field + " must be a UUID such as 0190a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b,"
                    + " was '" + shorten(text) + "'");
        }
    }

    static boolean parseBoolean(String field, String text) {
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(field, field + " must be true or false, was '" + shorten(text) + "'");
        };
    }

    static Set<OutboxState> parseStates(String field, List<String> texts) {
        Set<OutboxState> states = EnumSet.noneOf(OutboxState.class);
        for (String text : texts) {
            OutboxState state = Arrays.stream(OutboxState.values()).filter(s -> s.dbValue().equals(text.strip()))
                    .findFirst().orElseThrow(() -> ApiException.badRequest(field, field + " must be one of " + STATES
                            + ", was '" + shorten(text) + "'"));
            states.add(state);
        }
        return states;
    }

    public static LedgerState parseLedgerState(String field, String text) {
        return Arrays.stream(LedgerState.values()).filter(state -> state.dbValue().equals(text.strip())).findFirst()
                .orElseThrow(() -> ApiException.badRequest(field, field + " must be one of " + Arrays.stream(
                        LedgerState.values()).map(LedgerState::dbValue).collect(Collectors.joining(", "))
                        + ", was '" + shorten(text) + "'"));
    }

    /** A string field of a JSON body, or null when absent; any other type is refused. */
    static String text(String field, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(field, field + " must be a string");
        }
        return value.textValue();
    }

    /** Refuses a field of {@code object} not among {@code known}, naming it ({@code prefix} + name). */
    static void requireKnown(JsonNode object, Set<String> known, String prefix, String what) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest(prefix + name, "unknown " + what + " '" + shorten(name) + "'; known: "
                        + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    /** The bytes as text when they are valid UTF-8, else null. */
    public static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A value quoted back in a message, cut so a huge input does not make a huge error. */
    static String shorten(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
