package dev.mailroom.server.dashboard;

import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.jdbc.operator.AuditRecord;
import dev.mailroom.jdbc.operator.PageRequest;
import dev.mailroom.server.http.Call;
import java.util.List;
import java.util.Set;

/** The operators' audit trail, newest first: who did what to which rows, when and why; filtered by target and action. */
final class AuditPage {

    private final MailroomAdmin admin;
    private final Layout layout;

    AuditPage(MailroomAdmin admin, Layout layout) {
        this.admin = admin;
        this.layout = layout;
    }

    View page(Exchange exchange) {
        Call call = exchange.call().allowOnly(Set.of("target", "action", "before"));
        String target = call.single("target");
        String action = call.single("action");
        List<AuditRecord> records = admin.audit(target, action, call.optionalLong("before", 1), PageRequest.DEFAULT_LIMIT);
        Html h = new Html().raw("<h1>Audit log</h1><form class=\"search\" method=\"get\"><label>Target<input name=\"target\"")
                .attr("value", target).raw(" placeholder=\"outbox:orders\"></label><label>Action<select name=\"action\">"
                        + "<option value=\"\">any</option>");
        for (String option : List.of("replay", "discard", "skip")) {
            h.raw("<option").attr("value", option).raw(option.equals(action) ? " selected>" : ">").text(option)
                    .raw("</option>");
        }
        h.raw("</select></label><button>Show</button></form>");
        if (records.isEmpty()) {
            h.raw("<p class=\"muted\">No record.</p>");
            return View.html(layout.page("Audit", exchange.session(), h.toString()));
        }
        h.raw("<table class=\"rows audit\"><thead><tr><th>#</th><th>When</th><th>Who</th><th>Action</th><th>Target</th>"
                + "<th>Rows</th><th>Reason</th><th>Selection</th></tr></thead><tbody>");
        for (AuditRecord record : records) {
            h.raw("<tr>").td(record.id()).td(Html.time(record.at())).td(record.actor()).td(record.action())
                    .td(record.target()).td(record.rowsChanged()).td(record.reason())
                    .raw("<td>").element("code", null, record.selection()).raw("</td></tr>");
        }
        h.raw("</tbody></table>");
        if (records.size() == PageRequest.DEFAULT_LIMIT) {
            StringBuilder next = new StringBuilder("?before=").append(records.get(records.size() - 1).id());
            if (target != null) {
                next.append("&target=").append(Html.url(target));
            }
            if (action != null) {
                next.append("&action=").append(Html.url(action));
            }
            h.raw("<p class=\"pager\">").link(next.toString(), "Older →").raw("</p>");
        }
        return View.html(layout.page("Audit", exchange.session(), h.toString()));
    }
}
