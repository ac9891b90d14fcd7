package dev.mailroom.server.dashboard;

import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.jdbc.operator.MessagePage;
import dev.mailroom.jdbc.operator.MessageSummary;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.server.http.ApiException;
import dev.mailroom.server.http.Call;
import dev.mailroom.server.http.Filters;
import dev.mailroom.server.http.Values;
import dev.mailroom.state.OutboxState;
import java.util.Map;
import java.util.Set;

/** An outbox's or inbox's search (the admin API's search as a form, keyset pages) and one message whole. */
final class MessagePages {

    private final MailroomAdmin admin;
    private final Layout layout;

    MessagePages(MailroomAdmin admin, Layout layout) {
        this.admin = admin;
        this.layout = layout;
    }

    View search(Exchange exchange, Mailbox mailbox) {
        Call call = exchange.call().allowOnly(Filters.SEARCH_PARAMETERS);
        Html h = new Html();
        Layout.tabs(h, mailbox, "messages");
        h.raw("<form class=\"search\" method=\"get\">");
        FilterForm.fields(h, call, true);
        String order = call.single("order");
        h.raw("<label>Order<select name=\"order\"><option value=\"newest\">newest first</option><option value=\"oldest\"")
                .raw("oldest".equals(order) ? " selected" : "").raw(">oldest first</option></select></label>")
                .raw("<button>Search</button></form>");
        MessagePage found;
        try {
            found = admin.search(mailbox, Filters.fromQuery(call), Filters.pageOf(call));
        } catch (RuntimeException e) {
            ApiException refused = ApiException.of(e, "GET", Layout.box(mailbox) + "/messages");
            if (refused.status() != 400) {
                throw refused;
            }
            Layout.notice(h, "error", refused.getMessage());
            return View.html(400, layout.page("Search " + Layout.label(mailbox), exchange.session(), h.toString()));
        }
        table(h, mailbox, found);
        if (found.next() != null) {
            h.raw("<p class=\"pager\">").link("?after=" + found.next() + (order == null ? "" : "&order=" + Html.url(order))
                    + FilterForm.query(call), "Next page →").raw("</p>");
        }
        return View.html(layout.page("Search " + Layout.label(mailbox), exchange.session(), h.toString()));
    }

    private static void table(Html h, Mailbox mailbox, MessagePage found) {
        if (found.items().isEmpty()) {
            h.raw("<p class=\"muted\">No message matches.</p>");
            return;
        }
        h.raw("<table class=\"rows\"><thead><tr><th>Id</th><th>Event type</th><th>Key</th><th>State</th><th>Attempts</th>"
                + "<th>Created</th><th>Updated</th><th>Last error</th></tr></thead><tbody>");
        for (MessageSummary row : found.items()) {
            h.raw("<tr><td>").link(Layout.box(mailbox) + "/messages/" + row.id(), row.id()).raw("</td>")
                    .td(row.eventType()).td(row.key()).raw("<td>").element("span", "state " + row.state().dbValue(),
                            row.state().dbValue() + (row.holdsKey() ? " (holds key)" : ""))
                    .raw("</td>").td(row.attempts() + "/" + row.maxAttempts()).td(Html.time(row.createdAt()))
                    .td(Html.time(row.updatedAt())).element("td", "error", Html.excerpt(row.lastError())).raw("</tr>");
        }
        h.raw("</tbody></table>");
    }

    View message(Exchange exchange, Mailbox mailbox) {
        Call call = exchange.call().allowOnly(Set.of());
        long id = Values.parseLong("id", call.path("id"), 1, Long.MAX_VALUE);
        OutboxRow row = admin.find(mailbox, id)
                .orElseThrow(() -> ApiException.notFound("No message " + id + " in " + mailbox.target()));
        Html h = new Html();
        Layout.tabs(h, mailbox, "messages");
        h.raw("<h2>Message ").text(id).raw(" <span class=\"state " + row.state().dbValue() + "\">")
                .text(row.state().dbValue()).raw("</span></h2>");
        if (row.state() == OutboxState.DEAD && admin.writesEnabled()) {
            h.raw("<form class=\"actions\" method=\"post\"").attr("action", Layout.box(mailbox) + "/moves/preview").raw(">")
                    .hidden("_csrf", exchange.session().csrf()).hidden("id", id)
                    .raw("<button name=\"action\" value=\"replay:selected\">Replay…</button>"
                            + "<button name=\"action\" value=\"discard:selected\" class=\"danger\">Discard…</button>");
            if (row.holdsKey()) {
                h.raw("<button name=\"action\" value=\"skip:selected\">Skip (free its key)…</button>");
            }
            h.raw("</form>");
        }
        h.raw("<div class=\"detail\"><dl class=\"fields\">");
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("Event id", row.eventId());
        fields.put("Event type", row.eventType());
        fields.put("Event version", row.eventVersion());
        fields.put("Key", row.key());
        fields.put("Holds its key", row.holdsKey() ? "yes" : "no");
        fields.put("Tenant", row.tenantId());
        fields.put("Correlation id", row.correlationId());
        fields.put("Attempts", row.attempts() + " of " + row.maxAttempts());
        fields.put("Next attempt", Html.time(row.nextAttemptAt()));
        fields.put("Created", Html.time(row.createdAt()));
        fields.put("Updated", Html.time(row.updatedAt()));
        fields.put("Published", Html.time(row.publishedAt()));
        fields.put("Consumed", Html.time(row.consumedAt()));
        fields.put("Lease", row.leaseOwner() == null ? "" : row.leaseOwner() + " until " + Html.time(row.leaseExpiresAt()));
        fields.put("Content type", row.contentType());
        fields.forEach((name, value) -> h.element("dt", null, name).element("dd", null, value));
        h.raw("</dl><section><h3>Last error</h3>");
        if (row.lastError() == null) {
            h.raw("<p class=\"muted\">none</p>");
        } else {
            h.element("pre", "error", row.lastError());
        }
        h.raw("<h3>Headers</h3>");
        if (row.headers().isEmpty()) {
            h.raw("<p class=\"muted\">none</p>");
        } else {
            h.raw("<table class=\"headers\">");
            row.headers().forEach((name, value) -> h.raw("<tr>").element("th", null, name).td(value).raw("</tr>"));
            h.raw("</table>");
        }
        Payloads.render(h, row.payload(), row.contentType());
        h.raw("</section></div>");
        return View.html(layout.page("Message " + id, exchange.session(), h.toString()));
    }
}
