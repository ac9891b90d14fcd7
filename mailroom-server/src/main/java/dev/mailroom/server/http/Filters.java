package dev.mailroom.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailroom.jdbc.operator.InvalidFilterException;
import dev.mailroom.jdbc.operator.MessageFilter;
import dev.mailroom.jdbc.operator.PageRequest;
import dev.mailroom.state.OutboxState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A {@link MessageFilter} from a search's query parameters or a move's {@code filter} object, by the
 * API's names ({@code state, type, key, tenant, correlationId, eventId, createdFrom, createdBefore,
 * error, holding}). Every value becomes a bound parameter in the store; none is ever SQL.
 */
public final class Filters {

    public static final Set<String> FIELDS = Set.of("state", "type", "key", "tenant", "correlationId", "eventId",
            "createdFrom", "createdBefore", "error", "holding");

    /** What a search takes: the conditions, and the page ({@code after}, {@code limit}, {@code order}). */
    public static final Set<String> SEARCH_PARAMETERS = searchParameters();

    /** The store's field names, as the API names them. */
    private static final Map<String, String> API_NAMES = Map.of("eventType", "type", "tenantId", "tenant",
            "errorText", "error", "states", "state", "holdingOnly", "holding");

    private Filters() {
    }

    /** The filter in a search's query parameters. */
    public static MessageFilter fromQuery(Call call) {
        String eventId = call.single("eventId");
        String from = call.single("createdFrom");
        String before = call.single("createdBefore");
        String holding = call.single("holding");
        return build("", Values.parseStates("state", call.all("state")), call.single("type"), call.single("key"),
                call.single("tenant"), call.single("correlationId"),
                eventId == null ? null : Values.parseUuid("eventId", eventId),
                from == null ? null : Values.parseInstant("createdFrom", from),
                before == null ? null : Values.parseInstant("createdBefore", before), call.single("error"),
                holding != null && Values.parseBoolean("holding", holding));
    }

    /** The page a search asks for: after which id, how many, newest or oldest first. */
    public static PageRequest pageOf(Call call) {
        String order = call.single("order");
        if (order != null && !order.equals("newest") && !order.equals("oldest")) {
            throw ApiException.badRequest("order", "order must be newest or oldest, was '" + Values.shorten(order) + "'");
        }
        return new PageRequest(call.optionalLong("after", 0),
                (int) call.longValue("limit", PageRequest.DEFAULT_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE),
                !"oldest".equals(order));
    }

    private static Set<String> searchParameters() {
        Set<String> names = new HashSet<>(FIELDS);
        names.addAll(Set.of("after", "limit", "order"));
        return Set.copyOf(names);
    }

    /** The filter object of a move's body; fields are named {@code filter.<name>} in errors. */
    static MessageFilter fromJson(JsonNode filter) {
        String prefix = "filter.";
        if (!filter.isObject()) {
            throw ApiException.badRequest("filter", "filter must be an object of conditions such as {\"state\":[\"dead\"]}");
        }
        Values.requireKnown(filter, FIELDS, prefix, "filter condition");
        List<String> states = new ArrayList<>();
        JsonNode state = filter.get("state");
        if (state != null && !state.isNull()) {
            if (state.isArray()) {
                state.forEach(value -> states.add(Values.text(prefix + "state", value)));
            } else {
                states.add(Values.text(prefix + "state", state));
            }
        }
        UnaryOperator<String> text = name -> Values.text(prefix + name, filter.get(name));
        String eventId = text.apply("eventId");
        String from = text.apply("createdFrom");
        String before = text.apply("createdBefore");
        JsonNode holding = filter.get("holding");
        if (holding != null && !holding.isNull() && !holding.isBoolean()) {
            throw ApiException.badRequest(prefix + "holding", "filter.holding must be true or false");
        }
        return build(prefix, Values.parseStates(prefix + "state", states), text.apply("type"), text.apply("key"),
                text.apply("tenant"), text.apply("correlationId"),
                eventId == null ? null : Values.parseUuid(prefix + "eventId", eventId),
                from == null ? null : Values.parseInstant(prefix + "createdFrom", from),
                before == null ? null : Values.parseInstant(prefix + "createdBefore", before), text.apply("error"),
                holding != null && holding.asBoolean());
    }

    private static MessageFilter build(String prefix, Set<OutboxState> states, String type, String key, String tenant,
                                       String correlationId, UUID eventId, Instant from, Instant before, String error,
                                       boolean holding) {
        try {
            return new MessageFilter(states, type, key, tenant, correlationId, eventId, from, before, error, holding);
        } catch (InvalidFilterException e) {
            String field = prefix + apiName(e.field());
            throw ApiException.badRequest(field, e.getMessage().replace(e.field(), field));
        }
    }

    /** The API's name of a store field ({@code eventType} is {@code type}); others are the same. */
    static String apiName(String storeField) {
        return API_NAMES.getOrDefault(storeField, storeField);
    }
}
