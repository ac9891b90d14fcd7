package dev.mailroom.event;

/**
 * What a text value must be to be stored and delivered unchanged: no NUL character (PostgreSQL
 * text and jsonb refuse it, failing the caller's transaction) and no unpaired UTF-16 surrogate
 * (UTF-8 cannot encode one; drivers silently write {@code ?} instead).
 */
public final class StorableText {

    private StorableText() {
    }

    /** Why {@code text} cannot be stored unchanged, or null when it can (and for null). */
    public static String problem(CharSequence text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "contains a NUL character (U+0000) at index " + i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired UTF-16 surrogate (U+" + Integer.toHexString(c).toUpperCase() + ") at index " + i;
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate (U+" + Integer.toHexString(c).toUpperCase() + ") at index " + i;
            }
        }
        return null;
    }

    /** The text with NUL and unpaired surrogates replaced by U+FFFD, for naming a field in a message. */
    static String withoutProblems(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                clean.append(c).append(text.charAt(++i));
            } else {
                clean.append(c == '\u0000' || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return clean.toString();
    }
}
