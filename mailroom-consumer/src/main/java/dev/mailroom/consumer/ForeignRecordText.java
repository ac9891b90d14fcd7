package dev.mailroom.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Text from a foreign record made storable in the inbox: PostgreSQL {@code text} and {@code jsonb}
 * refuse NUL (U+0000) and need valid UTF-8, and one refused value would fail the whole batch's
 * insert. Invalid bytes and NUL become U+FFFD, and every field that needed it is noted, so the
 * record can be stored and dead-lettered with the reason.
 */
final class ForeignRecordText {

    static final char REPLACEMENT = '\uFFFD';

    private final List<String> problems = new ArrayList<>();

    /** Decodes UTF-8; {@code field} names the value in the reason (and must itself be storable). */
    String decode(String field, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            problems.add(field + " is not valid UTF-8 (stored with U+FFFD for the invalid bytes)");
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        return clean(field, text);
    }

    /** Replaces NUL characters, noting the field when there were any. */
    String clean(String field, String text) {
        if (text.indexOf('\0') < 0) {
            return text;
        }
        problems.add(field + " contains a NUL character (U+0000, stored as U+FFFD)");
        return withoutNul(text);
    }

    /** The text with every NUL replaced, for building field names that go into a reason. */
    static String withoutNul(String text) {
        return text.replace('\0', REPLACEMENT);
    }

    /** Notes another change made to store the record (a key cut short, say). */
    void problem(String reason) {
        problems.add(reason);
    }

    /** What had to be changed, or empty when the record was storable as it came. */
    Optional<String> problems() {
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
