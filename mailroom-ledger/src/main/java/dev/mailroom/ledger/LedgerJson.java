package dev.mailroom.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Whether a payload can go into the payload column as it means, on every supported database:
 * exactly one JSON value, no duplicate keys (jsonb would keep only the last), nothing PostgreSQL
 * refuses ({@code \u0000}, unpaired surrogates, numbers outside {@code numeric}), and no nesting
 * deeper than MariaDB's {@code JSON_VALID} accepts. Checked before the insert, because a refused
 * insert would abort the caller's transaction (on PostgreSQL), and so that a payload one database
 * takes is never refused by another.
 */
final class LedgerJson {

    /** PostgreSQL {@code numeric}: at most this many digits before the decimal point... */
    private static final int MAX_INTEGER_DIGITS = 131_072;
    /** ...and this many after it. */
    private static final int MAX_FRACTION_DIGITS = 16_383;
    /** MariaDB's {@code JSON_VALID} refuses arrays and objects nested 32 deep (measured on 10.11). */
    static final int MAX_DEPTH = 31;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private LedgerJson() {
    }

    /** Why {@code text} cannot be stored, or null when it can. */
    static String problem(String text) {
        if (text == null) {
            return "there is no payload";
        }
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return "the payload is empty";
            }
            int depth = 0;
            while (true) {
                String problem = switch (token) {
                    case FIELD_NAME, VALUE_STRING -> textProblem(parser.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> numberProblem(parser.getText());
                    default -> null;
                };
                if (problem != null) {
                    return problem;
                }
                depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
                if (depth > MAX_DEPTH) {
                    return "the payload nests arrays and objects deeper than " + MAX_DEPTH + " levels";
                }
                if (depth == 0) {
                    break;
                }
                token = parser.nextToken();
                if (token == null) {
                    return "the payload ends inside a JSON value";
                }
            }
            if (parser.nextToken() != null) {
                return "the payload has content after its first JSON value";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "the payload does not parse as JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            return "the payload could not be read: " + e.getMessage();
        }
    }

    private static String textProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "the payload holds the character U+0000, which PostgreSQL cannot store";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "the payload holds an unpaired surrogate (" + String.format("U+%04X", (int) c) + ")";
            }
        }
        return null;
    }

    private static String numberProblem(String text) {
        try {
            BigDecimal number = new BigDecimal(text);
            boolean tooBig = number.signum() != 0 && number.precision() - number.scale() > MAX_INTEGER_DIGITS;
            if (tooBig || number.scale() > MAX_FRACTION_DIGITS) {
                return "the payload holds the number " + abbreviate(text) + ", outside PostgreSQL's numeric range";
            }
            return null;
        } catch (NumberFormatException | ArithmeticException e) {
            return "the payload holds the number " + abbreviate(text) + ", outside PostgreSQL's numeric range";
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
