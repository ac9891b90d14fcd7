package dev.mailroom.event;

/**
 * Header names Mailroom writes itself on every delivered event: the CloudEvents attributes and
 * extensions ({@code ce_*}, the Kafka binding's prefix) and {@code content-type}. An event's own
 * headers may not use them: publish refuses them ({@link ReservedHeaderException}), and the relay
 * ignores them in rows written with plain SQL, so Mailroom's values always win. Trace context
 * ({@code traceparent}, {@code tracestate}) is the caller's to set.
 */
public final class ReservedHeaders {

    public static final String PREFIX = "ce_";
    public static final String CONTENT_TYPE = "content-type";

    private ReservedHeaders() {
    }

    /** Whether Mailroom writes a header of this name itself (case-insensitive). */
    public static boolean isReserved(String name) {
        return name != null && (name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                || name.equalsIgnoreCase(CONTENT_TYPE));
    }
}
