package dev.mailroom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which rows: the admin API's search conditions, each optional; every given one must hold. */
final class FilterOptions {

    @Option(names = "--state", description = "In this state (repeat for several): pending, sending, published,"
            + " consumed, dead, discarded.")
    List<String> states;

    @Option(names = "--type", description = "Event type.")
    String type;

    @Option(names = "--key", description = "Event key.")
    String key;

    @Option(names = "--tenant", description = "Tenant id.")
    String tenant;

    @Option(names = "--correlation-id", description = "Correlation id.")
    String correlationId;

    @Option(names = "--event-id", description = "Event id.")
    String eventId;

    @Option(names = "--created-from", description = "Created at or after (RFC 3339, e.g. 2026-12-03T10:00:00Z).")
    String createdFrom;

    @Option(names = "--created-before", description = "Created before (RFC 3339).")
    String createdBefore;

    @Option(names = "--error", description = "Last error contains this text (case-blind).")
    String error;

    @Option(names = "--holding", description = "Only dead rows holding back their key.")
    boolean holding;

    /** The conditions as query parameters of {@code GET .../messages}. */
    Map<String, Object> query() {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("state", states);
        query.put("type", type);
        query.put("key", key);
        query.put("tenant", tenant);
        query.put("correlationId", correlationId);
        query.put("eventId", eventId);
        query.put("createdFrom", createdFrom);
        query.put("createdBefore", createdBefore);
        query.put("error", error);
        query.put("holding", holding ? "true" : null);
        return query;
    }

    boolean any() {
        return query().values().stream().anyMatch(value -> value != null);
    }

    /** The conditions as the {@code filter} object of a move's body. */
    ObjectNode json() {
        ObjectNode filter = AdminClient.JSON.createObjectNode();
        query().forEach((name, value) -> {
            if (value instanceof List<?> values) {
                ArrayNode array = filter.putArray(name);
                values.forEach(each -> array.add(String.valueOf(each)));
            } else if ("holding".equals(name) && value != null) {
                filter.put(name, true);
            } else if (value != null) {
                filter.put(name, String.valueOf(value));
            }
        });
        return filter;
    }
}
