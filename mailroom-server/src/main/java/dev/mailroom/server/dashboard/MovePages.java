package dev.mailroom.server.dashboard;

import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.AuditRecord;
import dev.mailroom.jdbc.operator.HeldKey;
import dev.mailroom.jdbc.operator.MessageFilter;
import dev.mailroom.jdbc.operator.MessagePage;
import dev.mailroom.jdbc.operator.MessageSummary;
import dev.mailroom.jdbc.operator.MovePreview;
import dev.mailroom.jdbc.operator.MoveResult;
import dev.mailroom.jdbc.operator.OperatorMove;
import dev.mailroom.jdbc.operator.PageRequest;
import dev.mailroom.jdbc.operator.Selection;
import dev.mailroom.server.http.ApiException;
import dev.mailroom.server.http.Call;
import dev.mailroom.server.http.Filters;
import dev.mailroom.server.http.Values;
import dev.mailroom.state.OutboxState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dead letters and held keys, and the moves on them: an operator selects rows (some by id, or all
 * matching a filter), sees the preview (how many rows, the first ids) on a confirmation page, gives
 * a reason and confirms; the move is made as the session's operator, audited, and the page then
 * shows the audit record.
 */
final class MovePages {

    /** The moves an operator can ask for, by the {@code action} field's first part. */
    private enum Verb {
        REPLAY("replay", "Replay", OperatorMove.REPLAY, "dead"),
        DISCARD("discard", "Discard", OperatorMove.DISCARD, "dead"),
        SKIP("skip", "Skip", OperatorMove.SKIP, "held-keys"),
        RETRY("retry", "Retry", OperatorMove.REPLAY, "held-keys");

        final String name;
        final String label;
        final OperatorMove move;
        final String page;

        Verb(String name, String label, OperatorMove move, String page) {
            this.name = name;
            this.label = label;
            this.move = move;
            this.page = page;
        }
    }

    /** What a move form asks: which move and which rows. */
    private record Request(Verb verb, boolean matching, Selection selection, String action) {
    }

    private static final Set<String> DEAD_PARAMETERS = deadConditionsAnd(Filters.FIELDS, "state", "after", "done");
    private static final Set<String> MOVE_FIELDS = deadConditionsAnd(Filters.FIELDS, "_csrf", "action", "id", "reason");
    private static final int HELD_KEYS_SHOWN = 200;

    private final MailroomAdmin admin;
    private final Layout layout;

    MovePages(MailroomAdmin admin, Layout layout) {
        this.admin = admin;
        this.layout = layout;
    }

    View dead(Exchange exchange, Mailbox mailbox) {
        Call call = exchange.call().allowOnly(DEAD_PARAMETERS);
        Html h = new Html();
        Layout.tabs(h, mailbox, "dead");
        done(h, mailbox, call);
        h.raw("<form class=\"search\" method=\"get\">");
        FilterForm.fields(h, call, false);
        h.raw("<button>Filter</button></form>");
        MessageFilter filter = deadFilter(call);
        long matching = admin.count(mailbox, filter);
        MessagePage page = admin.search(mailbox, filter,
                new PageRequest(call.optionalLong("after", 0), PageRequest.DEFAULT_LIMIT, false));
        h.raw("<p><b data-fact=\"matching\">").text(matching).raw("</b> dead rows match.</p>");
        boolean writes = admin.writesEnabled();
        if (writes) {
            h.raw("<form method=\"post\"").attr("action", Layout.box(mailbox) + "/moves/preview").raw(">")
                    .hidden("_csrf", exchange.session().csrf());
            FilterForm.hidden(h, call);
        }
        if (!page.items().isEmpty()) {
            h.raw("<table class=\"rows\"><thead><tr>")
                    .raw(writes ? "<th><input type=\"checkbox\" data-select-all title=\"select all shown\"></th>" : "")
                    .raw("<th>Id</th><th>Event type</th><th>Key</th><th>Attempts</th><th>Died</th><th>Last error</th>"
                            + "</tr></thead><tbody>");
            for (MessageSummary row : page.items()) {
                h.raw("<tr>");
                if (writes) {
                    h.raw("<td><input type=\"checkbox\" name=\"id\"").attr("value", row.id()).raw("></td>");
                }
                h.raw("<td>").link(Layout.box(mailbox) + "/messages/" + row.id(), row.id()).raw("</td>")
                        .td(row.eventType()).td(row.key() + (row.holdsKey() ? " (held)" : ""))
                        .td(row.attempts() + "/" + row.maxAttempts()).td(Html.time(row.updatedAt()))
                        .element("td", "error", Html.excerpt(row.lastError()))
                        .raw("</tr>");
            }
            h.raw("</tbody></table>");
        }
        if (writes) {
            if (matching > 0) {
                h.raw("<div class=\"actions\">"
                        + "<button name=\"action\" value=\"replay:selected\">Replay selected…</button>"
                        + "<button name=\"action\" value=\"discard:selected\" class=\"danger\">Discard selected…</button>"
                        + "<button name=\"action\" value=\"replay:matching\">Replay all ").text(matching)
                        .raw(" matching…</button><button name=\"action\" value=\"discard:matching\" class=\"danger\">"
                                + "Discard all ").text(matching).raw(" matching…</button></div>");
            }
            h.raw("</form>");
        }
        if (page.next() != null) {
            h.raw("<p class=\"pager\">").link("?after=" + page.next() + FilterForm.query(call), "Next page →").raw("</p>");
        }
        return View.html(layout.page("Dead letters " + Layout.label(mailbox), exchange.session(), h.toString()));
    }

    View heldKeys(Exchange exchange, Mailbox mailbox) {
        Call call = exchange.call().allowOnly(Set.of("done"));
        Html h = new Html();
        Layout.tabs(h, mailbox, "held-keys");
        done(h, mailbox, call);
        List<HeldKey> held = admin.heldKeys(mailbox, HELD_KEYS_SHOWN);
        if (held.isEmpty()) {
            h.raw("<p class=\"muted\">No key is held: no dead event of a <code>HOLD_KEY</code> route is holding back"
                    + " later events.</p>");
        } else {
            h.raw("<p>Each dead event below holds back the later events of its key. <b>Skip</b>: it stays dead and"
                    + " the rest go on in order. <b>Retry</b>: it is sent again first, then the rest.</p>"
                    + "<table class=\"rows\"><thead><tr><th>Key</th><th>Event type</th><th>Dead event</th><th>Since</th>"
                    + "<th>Waiting</th><th>Last error</th><th></th></tr></thead><tbody>");
            for (HeldKey key : held) {
                h.raw("<tr>").td(key.key()).td(key.eventType()).raw("<td>")
                        .link(Layout.box(mailbox) + "/messages/" + key.id(), key.id()).raw("</td>")
                        .td(Html.time(key.since())).td(key.waiting())
                        .element("td", "error", Html.excerpt(key.lastError()))
                        .raw("<td>");
                if (admin.writesEnabled()) {
                    h.raw("<form method=\"post\"").attr("action", Layout.box(mailbox) + "/moves/preview").raw(">")
                            .hidden("_csrf", exchange.session().csrf()).hidden("id", key.id())
                            .raw("<button name=\"action\" value=\"skip:selected\">Skip…</button>"
                                    + "<button name=\"action\" value=\"retry:selected\">Retry…</button></form>");
                }
                h.raw("</td></tr>");
            }
            h.raw("</tbody></table>");
        }
        return View.html(layout.page("Held keys " + Layout.label(mailbox), exchange.session(), h.toString()));
    }

    /** The confirmation: how many rows the move would change now, the first ids, a reason to give. */
    View preview(Exchange exchange, Mailbox mailbox) {
        Call call = exchange.call().allowOnly(MOVE_FIELDS);
        Request request = request(call);
        MovePreview preview = admin.preview(mailbox, request.verb().move, request.selection());
        Html h = new Html();
        Layout.tabs(h, mailbox, request.verb().page);
        h.raw("<section class=\"confirm\"><h2>").text(request.verb().label + " " + preview.rows() + " "
                + (preview.rows() == 1 ? "row" : "rows") + "?").raw("</h2><p>")
                .text(describe(request, mailbox)).raw("</p>");
        if (request.matching()) {
            h.raw("<p>Filter: <code data-fact=\"filter\">").text(conditions(call)).raw("</code></p>");
        }
        if (preview.rows() == 0) {
            Layout.notice(h, "info", "No row is in a state this move takes: nothing to do.");
            h.raw("<p>").link(Layout.box(mailbox) + "/" + request.verb().page, "Back").raw("</p></section>");
            return View.html(layout.page("Confirm", exchange.session(), h.toString()));
        }
        h.raw("<p>Rows now affected: <b data-fact=\"preview-rows\">").text(preview.rows()).raw("</b>; first ids: ");
        for (Long id : preview.firstIds()) {
            h.link(Layout.box(mailbox) + "/messages/" + id, id).raw(" ");
        }
        h.raw("</p><form method=\"post\"").attr("action", Layout.box(mailbox) + "/moves/execute").raw(">")
                .hidden("_csrf", exchange.session().csrf()).hidden("action", request.action());
        if (request.matching()) {
            FilterForm.hidden(h, call);
        } else {
            ((Selection.ByIds) request.selection()).ids().forEach(id -> h.hidden("id", id));
        }
        h.raw("<label>Reason (recorded in the audit trail with your name, ").text(exchange.operator())
                .raw(")<textarea name=\"reason\" required maxlength=\"" + Actor.MAX_REASON_LENGTH + "\" rows=\"2\">"
                        + "</textarea></label><div class=\"actions\"><button")
                .raw(request.verb() == Verb.DISCARD ? " class=\"danger\"" : "").raw(">")
                .text(request.verb().label + " " + preview.rows() + (preview.rows() == 1 ? " row" : " rows"))
                .raw("</button>").link(Layout.box(mailbox) + "/" + request.verb().page, "Cancel")
                .raw("</div></form></section>");
        return View.html(layout.page("Confirm", exchange.session(), h.toString()));
    }

    /** Makes the move as the session's operator; the page it leads to shows the audit record. */
    View execute(Exchange exchange, Mailbox mailbox) {
        Call call = exchange.call().allowOnly(MOVE_FIELDS);
        Request request = request(call);
        MoveResult result = admin.apply(mailbox, request.verb().move, request.selection(),
                new Actor(exchange.operator(), call.single("reason")));
        return View.redirect(Layout.box(mailbox) + "/" + request.verb().page + "?done=" + result.auditId());
    }

    private static Request request(Call call) {
        String action = call.single("action");
        String[] parts = action == null ? new String[0] : action.split(":", -1);
        Verb verb = parts.length != 2 ? null : switch (parts[0]) {
            case "replay" -> Verb.REPLAY;
            case "discard" -> Verb.DISCARD;
            case "skip" -> Verb.SKIP;
            case "retry" -> Verb.RETRY;
            default -> null;
        };
        if (verb == null || !(parts[1].equals("selected") || parts[1].equals("matching"))) {
            throw ApiException.badRequest("action", "action must be replay, discard, skip or retry, then :selected or"
                    + " :matching");
        }
        boolean matching = parts[1].equals("matching");
        if (matching) {
            if (verb == Verb.SKIP || verb == Verb.RETRY) {
                throw ApiException.badRequest("action", "held keys are skipped or retried one by one");
            }
            return new Request(verb, true, Selection.matching(deadFilter(call)), action);
        }
        List<Long> ids = new ArrayList<>();
        for (String id : call.all("id")) {
            ids.add(Values.parseLong("id", id, 1, Long.MAX_VALUE));
        }
        if (ids.isEmpty()) {
            throw ApiException.badRequest("id", "select at least one row");
        }
        return new Request(verb, false, Selection.ids(ids), action);
    }

    /** The conditions of the request, on dead rows only. */
    private static MessageFilter deadFilter(Call call) {
        Map<String, List<String>> query = new LinkedHashMap<>(call.query());
        query.remove("state");
        return Filters.fromQuery(new Call(call.path(), query, new byte[0])).withStates(EnumSet.of(OutboxState.DEAD));
    }

    private static String describe(Request request, Mailbox mailbox) {
        String what = switch (request.verb()) {
            case REPLAY -> "Dead rows go back to pending, due now, attempts reset; the relay sends them again.";
            case DISCARD -> "Dead rows are set aside for good (discarded); they are never sent.";
            case SKIP -> "The dead row stays dead and stops holding its key; the key's later events go on in order.";
            case RETRY -> "The dead row goes back to pending and is sent first; then the key's later events follow.";
        };
        String which = request.matching() ? "Every dead row of " + mailbox.target() + " matching the filter."
                : "The selected rows of " + mailbox.target() + " (those still dead).";
        return which + " " + what;
    }

    /** The conditions given, as {@code name=value} pairs, with the state every move by filter adds. */
    private static String conditions(Call call) {
        StringBuilder text = new StringBuilder("state=dead");
        for (String name : new java.util.TreeSet<>(Filters.FIELDS)) {
            if (!name.equals("state")) {
                call.all(name).forEach(value -> text.append(' ').append(name).append('=').append(value));
            }
        }
        return text.toString();
    }

    /** The outcome of the move just made, read back from the audit trail. */
    private void done(Html h, Mailbox mailbox, Call call) {
        Long auditId = call.optionalLong("done", 1);
        if (auditId == null) {
            return;
        }
        List<AuditRecord> records = admin.audit(mailbox.target(), null, auditId + 1, 1);
        if (!records.isEmpty() && records.get(0).id() == auditId) {
            AuditRecord record = records.get(0);
            Layout.notice(h, "ok", "Done: " + record.action() + " of " + record.rowsChanged() + " "
                    + (record.rowsChanged() == 1 ? "row" : "rows") + " by " + record.actor() + " (audit #"
                    + record.id() + "): " + record.reason());
        }
    }

    private static Set<String> deadConditionsAnd(Set<String> base, String... more) {
        Set<String> names = new HashSet<>(base);
        names.addAll(List.of(more));
        names.remove("state");
        return Set.copyOf(names);
    }
}
