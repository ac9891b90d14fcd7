package dev.mailroom.internal;

/**
 * Checks of public-API arguments: a null where a value belongs is a programming error answered
 * with an {@link IllegalArgumentException} naming the argument, never a bare
 * {@link NullPointerException}. Not part of the documented API.
 */
public final class Arguments {

    private Arguments() {
    }

    /** Returns {@code value}; throws {@code IllegalArgumentException("<name> must not be null")} for null. */
    public static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }
}
