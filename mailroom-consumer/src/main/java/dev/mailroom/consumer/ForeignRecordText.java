package dev.mailroom.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Text from a foreign record made storable in the inbox on every database: PostgreSQL {@code text}
 * and {@code jsonb} refuse NUL (U+0000) and need valid UTF-8, MariaDB's columns have sizes
 * ({@code VARCHAR(255)} event type, {@code TEXT} ids of 65,535 bytes), and one refused value would
 * fail the whole batch's insert. Invalid bytes and NUL become U+FFFD and over-long text is cut
 * short, on every database alike so a record meets the same fate on each, and every field that
 * needed it is noted, so the record can be stored and dead-lettered with the reason.
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

    /** The text cut to at most {@code maxCharacters} code points, noting the field when it was longer. */
    String limitCharacters(String field, String text, int maxCharacters) {
        if (text.length() <= maxCharacters) {
            return text;
        }
        int characters = text.codePointCount(0, text.length());
        if (characters <= maxCharacters) {
            return text;
        }
        problems.add(field + " is " + characters + " characters, the inbox takes at most " + maxCharacters
                + " (stored cut short)");
        return text.substring(0, text.offsetByCodePoints(0, maxCharacters));
    }

    /** The text cut to at most {@code maxBytes} UTF-8 bytes (whole characters), noting the field when it was longer. */
    String limitBytes(String field, String text, int maxBytes) {
        if (text.length() <= maxBytes / 3) {
            return text;
        }
        int bytes = 0;
        int end = -1;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int size = utf8Length(codePoint);
            if (end < 0 && bytes + size > maxBytes) {
                end = i;
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        if (end < 0) {
            return text;
        }
        problems.add(field + " is " + text.length() + " characters (" + bytes + " bytes), the inbox takes at most "
                + maxBytes + " bytes (stored cut short)");
        return text.substring(0, end);
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    /** The text with every NUL replaced, for building field names that go into a reason. */
    static String withoutNul(String text) {
        return text.replace('\0', REPLACEMENT);
    }

    /** What had to be changed, or empty when the record was storable as it came. */
    Optional<String> problems() {
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
