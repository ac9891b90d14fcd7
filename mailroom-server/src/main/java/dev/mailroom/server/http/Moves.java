package dev.mailroom.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.Selection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Request bodies: a move ({@code {"ids":[..]}} or {@code {"filter":{..}}}, {@code execute},
 * {@code operator}, {@code reason}) and a ledger change ({@code version}, {@code operator},
 * {@code reason}). Unknown fields are refused, so a misspelt {@code exectue} never runs a preview
 * the caller thought was a change.
 */
final class Moves {

    private static final Set<String> MOVE_FIELDS = Set.of("ids", "filter", "execute", "operator", "reason");
    private static final Set<String> CHANGE_FIELDS = Set.of("version", "operator", "reason");

    /** A move as asked: which rows, whether to make it, and who asks (only when made). */
    record Move(Selection selection, boolean execute, JsonNode body) {
        Actor actor() {
            return new Actor(Values.text("operator", body.get("operator")), Values.text("reason", body.get("reason")));
        }
    }

    /** A ledger change: the version the operator saw, who, and why (null when not given). */
    record Change(long version, String operator, String reason) {
    }

    private Moves() {
    }

    static Move move(byte[] body) {
        JsonNode json = object(body, MOVE_FIELDS);
        JsonNode ids = json.get("ids");
        JsonNode filter = json.get("filter");
        boolean hasIds = ids != null && !ids.isNull();
        boolean hasFilter = filter != null && !filter.isNull();
        if (hasIds == hasFilter) {
            throw ApiException.badRequest(hasIds ? "filter" : "ids", hasIds ? "give ids or a filter, not both"
                    : "name the rows: {\"ids\":[1,2]} or {\"filter\":{\"state\":[\"dead\"]}}");
        }
        Selection selection = hasIds ? Selection.ids(ids(ids)) : Selection.matching(Filters.fromJson(filter));
        JsonNode execute = json.get("execute");
        if (execute != null && !execute.isNull() && !execute.isBoolean()) {
            throw ApiException.badRequest("execute", "execute must be true or false");
        }
        return new Move(selection, execute != null && execute.asBoolean(), json);
    }

    static Change change(byte[] body) {
        JsonNode json = object(body, CHANGE_FIELDS);
        JsonNode version = json.get("version");
        if (version == null || !version.canConvertToLong() || !version.isIntegralNumber() || version.asLong() < 0) {
            throw ApiException.badRequest("version", "version is required: the item's version you saw (a whole number)");
        }
        return new Change(version.asLong(), Values.text("operator", json.get("operator")),
                Values.text("reason", json.get("reason")));
    }

    private static List<Long> ids(JsonNode ids) {
        if (!ids.isArray()) {
            throw ApiException.badRequest("ids", "ids must be a list of row ids");
        }
        List<Long> values = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() < 1) {
                throw ApiException.badRequest("ids", "ids must be positive whole numbers, was " + Values.shorten(id.toString()));
            }
            values.add(id.asLong());
        }
        return values;
    }

    private static JsonNode object(byte[] body, Set<String> fields) {
        JsonNode json;
        try {
            json = body.length == 0 ? null : Values.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest(null, "the body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw ApiException.badRequest(null, "the body must be a JSON object");
        }
        Values.requireKnown(json, fields, "", "field");
        return json;
    }
}
