package dev.mailroom.event;

/**
 * A text field (event type, key, content type, tenant id, correlation id, a header name or value,
 * a JSON payload given as text) holds what cannot be stored unchanged: a NUL character or an
 * unpaired UTF-16 surrogate. {@link #field()} names the field.
 */
public final class InvalidTextException extends InvalidEventException {

    private final String field;

    InvalidTextException(OutboxEvent event, String field, String problem) {
        super(event, field + " " + problem);
        this.field = field;
    }

    /** The field, e.g. {@code key}, {@code tenantId} or {@code header 'origin'}. */
    public String field() {
        return field;
    }
}
