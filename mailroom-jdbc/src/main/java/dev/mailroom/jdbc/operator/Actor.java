package dev.mailroom.jdbc.operator;

/** Who makes an operator change and why; both are required and recorded in the audit trail. */
public record Actor(String name, String reason) {

    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_REASON_LENGTH = 2_000;

    /** @throws InvalidFilterException for a blank or over-long name or reason, or one with NUL */
    public Actor {
        name = required("operator", name, MAX_NAME_LENGTH);
        reason = required("reason", reason, MAX_REASON_LENGTH);
    }

    private static String required(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new InvalidFilterException(field, "is required");
        }
        String trimmed = value.strip();
        if (trimmed.length() > maxLength) {
            throw new InvalidFilterException(field, "longer than " + maxLength + " characters");
        }
        if (trimmed.indexOf('\0') >= 0) {
            throw new InvalidFilterException(field, "contains a NUL character");
        }
        return trimmed;
    }
}
