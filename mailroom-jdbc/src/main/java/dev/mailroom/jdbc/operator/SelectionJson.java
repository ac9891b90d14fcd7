package dev.mailroom.jdbc.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailroom.state.OutboxState;

/** A selection as the audit trail records it: {@code {"ids":[…]}} or {@code {"filter":{…}}} with the conditions given. */
final class SelectionJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SelectionJson() {
    }

    static String of(Selection selection) {
        ObjectNode root = JSON.createObjectNode();
        if (selection instanceof Selection.ByIds byIds) {
            ArrayNode ids = root.putArray("ids");
            byIds.ids().forEach(ids::add);
        } else {
            root.set("filter", filter(((Selection.ByFilter) selection).filter()));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a selection is always JSON", e);
        }
    }

    private static ObjectNode filter(MessageFilter filter) {
        ObjectNode node = JSON.createObjectNode();
        if (!filter.states().isEmpty()) {
            ArrayNode states = node.putArray("states");
            for (OutboxState state : OutboxState.values()) {
                if (filter.states().contains(state)) {
                    states.add(state.dbValue());
                }
            }
        }
        putIfPresent(node, "eventType", filter.eventType());
        putIfPresent(node, "key", filter.key());
        putIfPresent(node, "tenantId", filter.tenantId());
        putIfPresent(node, "correlationId", filter.correlationId());
        putIfPresent(node, "eventId", filter.eventId());
        putIfPresent(node, "createdFrom", filter.createdFrom());
        putIfPresent(node, "createdBefore", filter.createdBefore());
        putIfPresent(node, "errorText", filter.errorText());
        if (filter.holdingOnly()) {
            node.put("holdingOnly", true);
        }
        return node;
    }

    private static void putIfPresent(ObjectNode node, String field, Object value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }
}
