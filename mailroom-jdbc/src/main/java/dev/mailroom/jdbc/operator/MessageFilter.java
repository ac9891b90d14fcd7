package dev.mailroom.jdbc.operator;

import dev.mailroom.state.OutboxState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Which rows of an outbox (or inbox) table an operator means: every condition given must hold
 * (null or empty: any). Each condition is a bound parameter of a fixed statement; none is ever part
 * of the SQL text.
 *
 * @param states        any of these states
 * @param eventType     exactly this event type
 * @param key           exactly this event key
 * @param tenantId      exactly this tenant id
 * @param correlationId exactly this correlation id
 * @param eventId       exactly this event id
 * @param createdFrom   created at or after
 * @param createdBefore created before
 * @param errorText     the last error contains this text, case-blind
 * @param holdingOnly   only dead rows that hold back their key
 */
public record MessageFilter(Set<OutboxState> states, String eventType, String key, String tenantId,
                            String correlationId, UUID eventId, Instant createdFrom, Instant createdBefore,
                            String errorText, boolean holdingOnly) {

    /** Longest text a filter takes (the longest stored values: keys of 2,000 bytes, errors of 2,000 characters). */
    public static final int MAX_TEXT_LENGTH = 2_000;

    private static final MessageFilter ANY = new MessageFilter(Set.of(), null, null, null, null, null, null, null,
            null, false);

    /**
     * @throws InvalidFilterException for text longer than {@value #MAX_TEXT_LENGTH} characters or with
     *                                NUL, or a time range that ends before it starts
     */
    public MessageFilter {
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        check("eventType", eventType);
        check("key", key);
        check("tenantId", tenantId);
        check("correlationId", correlationId);
        check("errorText", errorText);
        if (createdFrom != null && createdBefore != null && !createdFrom.isBefore(createdBefore)) {
            throw new InvalidFilterException("createdFrom", createdFrom + " is not before createdBefore "
                    + createdBefore);
        }
    }

    private static void check(String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw new InvalidFilterException(field, "longer than " + MAX_TEXT_LENGTH + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidFilterException(field, "contains a NUL character");
        }
    }

    /** Every row. */
    public static MessageFilter any() {
        return ANY;
    }

    /** Rows in one of these states. */
    public static MessageFilter inState(OutboxState first, OutboxState... more) {
        return ANY.withStates(EnumSet.of(first, more));
    }

    public MessageFilter withStates(Set<OutboxState> states) {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, createdFrom,
                createdBefore, errorText, holdingOnly);
    }

    public MessageFilter withEventType(String eventType) {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, createdFrom,
                createdBefore, errorText, holdingOnly);
    }

    public MessageFilter withKey(String key) {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, createdFrom,
                createdBefore, errorText, holdingOnly);
    }

    public MessageFilter withTenantId(String tenantId) {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, createdFrom,
                createdBefore, errorText, holdingOnly);
    }

    public MessageFilter withCorrelationId(String correlationId) {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, createdFrom,
                createdBefore, errorText, holdingOnly);
    }

    public MessageFilter withEventId(UUID eventId) {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, createdFrom,
                createdBefore, errorText, holdingOnly);
    }

    public MessageFilter withCreated(Instant from, Instant before) {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, from, before, errorText,
                holdingOnly);
    }

    public MessageFilter withErrorText(String errorText) {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, createdFrom,
                createdBefore, errorText, holdingOnly);
    }

    public MessageFilter withHoldingOnly() {
        return new MessageFilter(states, eventType, key, tenantId, correlationId, eventId, createdFrom,
                createdBefore, errorText, true);
    }
}
