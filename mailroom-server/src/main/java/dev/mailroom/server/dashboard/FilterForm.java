package dev.mailroom.server.dashboard;

import dev.mailroom.server.http.Call;
import dev.mailroom.server.http.Filters;
import dev.mailroom.state.OutboxState;
import java.util.List;

/**
 * The search conditions as form fields, by the API's names, so a search reads them with the API's
 * own parser ({@code Filters.fromQuery}) and a move carries them on as hidden fields.
 */
final class FilterForm {

    /** The text conditions, each with its label and a hint shown in the empty field. */
    private static final String[][] TEXT_FIELDS = {
            {"type", "Event type", "order.placed"}, {"key", "Key", "order-1001"}, {"error", "Error contains", "timeout"},
            {"tenant", "Tenant", ""}, {"correlationId", "Correlation id", ""}, {"eventId", "Event id", "UUID"},
            {"createdFrom", "Created from", "2026-12-01T00:00:00Z"}, {"createdBefore", "Created before", "2026-12-02T00:00:00Z"}};

    private FilterForm() {
    }

    /** The conditions' inputs filled from the request; state checkboxes only when {@code withStates}. */
    static void fields(Html h, Call call, boolean withStates) {
        if (withStates) {
            List<String> chosen = call.all("state");
            h.raw("<fieldset class=\"states\"><legend>State</legend>");
            for (OutboxState state : OutboxState.values()) {
                h.raw("<label><input type=\"checkbox\" name=\"state\"").attr("value", state.dbValue())
                        .raw(chosen.contains(state.dbValue()) ? " checked>" : ">").text(state.dbValue()).raw("</label>");
            }
            h.raw("</fieldset>");
        }
        h.raw("<div class=\"fields\">");
        for (String[] field : TEXT_FIELDS) {
            h.raw("<label>").text(field[1]).raw("<input").attr("name", field[0]).attr("value", value(call, field[0]))
                    .attr("placeholder", field[2]).raw("></label>");
        }
        h.raw("<label class=\"check\"><input type=\"checkbox\" name=\"holding\" value=\"true\"")
                .raw("true".equals(value(call, "holding")) ? " checked" : "").raw(">Holding its key</label></div>");
    }

    /** The conditions given, as hidden fields (a move by filter carries them to its confirmation). */
    static void hidden(Html h, Call call) {
        for (String name : Filters.FIELDS) {
            for (String value : call.all(name)) {
                h.hidden(name, value);
            }
        }
    }

    /** The conditions given, as a query string starting with {@code &} (for the next page's link). */
    static String query(Call call) {
        StringBuilder query = new StringBuilder();
        for (String name : Filters.FIELDS) {
            for (String value : call.all(name)) {
                query.append('&').append(name).append('=').append(Html.url(value));
            }
        }
        return query.toString();
    }

    private static String value(Call call, String name) {
        List<String> values = call.query().getOrDefault(name, List.of());
        return values.isEmpty() ? "" : values.get(0);
    }
}
