package dev.mailroom.server.dashboard;

import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.ledger.AuditEntry;
import dev.mailroom.ledger.LedgerFilter;
import dev.mailroom.ledger.LedgerItem;
import dev.mailroom.ledger.LedgerState;
import dev.mailroom.server.http.ApiException;
import dev.mailroom.server.http.Call;
import dev.mailroom.server.http.LedgerEndpoints;
import dev.mailroom.server.http.Values;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The compensation ledger's triage: the queue (by default {@code manual_required}) grouped by
 * operation type, one item with its payload and trail, and resolve / abandon / retry now as the
 * session's operator, at the version the page showed (a stale one is refused).
 */
final class LedgerPages {

    static final String PATH = Layout.ROOT + "/ledger";
    private static final int SHOWN = 200;

    private final MailroomAdmin admin;
    private final Layout layout;

    LedgerPages(MailroomAdmin admin, Layout layout) {
        this.admin = admin;
        this.layout = layout;
    }

    View list(Exchange exchange) {
        Call call = exchange.call().allowOnly(Set.of("state", "type", "batch", "after"));
        String stateText = call.single("state");
        LedgerState state = stateText == null ? LedgerState.MANUAL_REQUIRED
                : stateText.equals("any") ? null : Values.parseLedgerState("state", stateText);
        List<LedgerItem> items = admin.ledgerItems(new LedgerFilter(call.single("batch"), state, call.single("type"),
                call.longValue("after", 0, 0, Long.MAX_VALUE), SHOWN));
        Html h = new Html().raw("<h1>Compensation ledger</h1><form class=\"search\" method=\"get\"><label>State<select"
                + " name=\"state\">");
        for (LedgerState option : LedgerState.values()) {
            h.raw("<option").attr("value", option.dbValue()).raw(option == state ? " selected>" : ">")
                    .text(option.dbValue()).raw("</option>");
        }
        h.raw("<option value=\"any\"").raw(state == null ? " selected" : "").raw(">any</option></select></label>")
                .raw("<label>Operation type<input name=\"type\"").attr("value", call.single("type")).raw("></label>")
                .raw("<label>Batch<input name=\"batch\"").attr("value", call.single("batch")).raw("></label>")
                .raw("<button>Show</button></form>");
        if (items.isEmpty()) {
            h.raw("<p class=\"muted\">No item.</p>");
            return View.html(layout.page("Ledger", exchange.session(), h.toString()));
        }
        Map<String, List<LedgerItem>> byType = new TreeMap<>();
        items.forEach(item -> byType.computeIfAbsent(item.operationType(), type -> new java.util.ArrayList<>()).add(item));
        h.raw("<p class=\"types\">");
        byType.forEach((type, group) -> h.raw("<a").attr("href", "#type-" + Html.url(type)).raw(">").text(type)
                .raw(" <b>").text(group.size()).raw("</b></a> "));
        h.raw("</p>");
        byType.forEach((type, group) -> {
            h.raw("<h2").attr("id", "type-" + Html.url(type)).raw(">").text(type).raw(" <small>")
                    .text(group.size() + (group.size() == 1 ? " item" : " items")).raw("</small></h2>")
                    .raw("<table class=\"rows\"><thead><tr><th>Id</th><th>Batch</th><th>Item</th><th>State</th>"
                            + "<th>Attempts</th><th>Failure</th><th>Updated</th></tr></thead><tbody>");
            for (LedgerItem item : group) {
                h.raw("<tr><td>").link(PATH + "/" + item.id(), item.id()).raw("</td>").td(item.batchId())
                        .td(item.itemIndex()).raw("<td>").element("span", "state " + item.state().dbValue(),
                                item.state().dbValue()).raw("</td>").td(item.attempts() + "/" + item.maxAttempts())
                        .element("td", "error", Html.excerpt(item.failureReason()))
                        .td(Html.time(item.updatedAt())).raw("</tr>");
            }
            h.raw("</tbody></table>");
        });
        if (items.size() == SHOWN) {
            h.raw("<p class=\"pager\">").link("?after=" + items.get(items.size() - 1).id() + "&state="
                    + (state == null ? "any" : state.dbValue()), "Next page →").raw("</p>");
        }
        return View.html(layout.page("Ledger", exchange.session(), h.toString()));
    }

    View item(Exchange exchange) {
        Call call = exchange.call().allowOnly(Set.of("done"));
        long id = Values.parseLong("id", call.path("id"), 1, Long.MAX_VALUE);
        LedgerItem item = admin.ledgerItem(id).orElseThrow(() -> ApiException.notFound("No ledger item " + id));
        Html h = new Html().raw("<h1>Ledger item ").text(id).raw(" <span class=\"state " + item.state().dbValue() + "\">")
                .text(item.state().dbValue()).raw("</span></h1>");
        String done = call.single("done");
        if (done != null && LedgerEndpoints.CHANGES.contains(done)) {
            Layout.notice(h, "ok", "Done: " + done + "; the item is now " + item.state().dbValue() + ".");
        }
        if (!item.state().isFinal() && admin.writesEnabled()) {
            actions(h, exchange, item);
        }
        h.raw("<div class=\"detail\"><dl class=\"fields\">");
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("Operation type", item.operationType());
        fields.put("Batch", item.batchId());
        fields.put("Item index", item.itemIndex());
        fields.put("Attempts", item.attempts() + " of " + item.maxAttempts());
        fields.put("Next attempt", Html.time(item.nextAttemptAt()));
        fields.put("Created", Html.time(item.createdAt()) + (item.createdBy() == null ? "" : " by " + item.createdBy()));
        fields.put("Updated", Html.time(item.updatedAt()));
        fields.put("Resolved", item.resolvedAt() == null ? "" : Html.time(item.resolvedAt()) + " by " + item.resolvedBy());
        fields.put("Notes", item.resolutionNotes());
        fields.put("Version", item.version());
        fields.forEach((name, value) -> h.element("dt", null, name).element("dd", null, value));
        h.raw("</dl><section><h3>Failure</h3>").element("pre", "error", item.failureReason());
        String json = item.payloadJson() == null ? null : Payloads.prettyJson(item.payloadJson(), "application/json");
        h.raw("<h3>Payload</h3>").element("pre", "payload json", json != null ? json : item.payloadJson());
        List<AuditEntry> trail = admin.ledgerTrail(id);
        h.raw("<h3>Trail</h3><table class=\"rows\"><thead><tr><th>When</th><th>Who</th><th>From</th><th>To</th>"
                + "<th>Version</th><th>Notes</th></tr></thead><tbody>");
        for (AuditEntry entry : trail) {
            h.raw("<tr>").td(Html.time(entry.changedAt())).td(entry.actor())
                    .td(entry.from() == null ? "" : entry.from().dbValue()).td(entry.to() == null ? "" : entry.to().dbValue())
                    .td(entry.version()).td(entry.notes()).raw("</tr>");
        }
        h.raw("</tbody></table></section></div>");
        return View.html(layout.page("Ledger item " + id, exchange.session(), h.toString()));
    }

    private static void actions(Html h, Exchange exchange, LedgerItem item) {
        h.raw("<form class=\"ledger-change\" method=\"post\"").attr("action", PATH + "/" + item.id() + "/change").raw(">")
                .hidden("_csrf", exchange.session().csrf()).hidden("version", item.version())
                .raw("<label>Reason (recorded with your name, ").text(exchange.operator())
                .raw("; optional for a retry)<textarea name=\"reason\" rows=\"2\" maxlength=\""
                        + Actor.MAX_REASON_LENGTH + "\"></textarea></label><div class=\"actions\">"
                        + "<button name=\"change\" value=\"resolve\">Resolve</button>"
                        + "<button name=\"change\" value=\"retry\">Retry now</button>"
                        + "<button name=\"change\" value=\"abandon\" class=\"danger\">Abandon</button></div></form>");
    }

    /** Resolve, abandon or retry now, as the session's operator, at the version the page showed. */
    View change(Exchange exchange) {
        Call call = exchange.call().allowOnly(Set.of("_csrf", "version", "reason", "change"));
        long id = Values.parseLong("id", call.path("id"), 1, Long.MAX_VALUE);
        String change = call.single("change");
        if (change == null || !LedgerEndpoints.CHANGES.contains(change)) {
            throw ApiException.badRequest("change", "change must be resolve, abandon or retry");
        }
        String version = call.single("version");
        if (version == null) {
            throw ApiException.badRequest("version", "version is required: the item's version you saw");
        }
        LedgerEndpoints.change(admin, id, change, Values.parseLong("version", version, 0, Long.MAX_VALUE),
                exchange.operator(), call.single("reason"));
        return View.redirect(PATH + "/" + id + "?done=" + change);
    }
}
