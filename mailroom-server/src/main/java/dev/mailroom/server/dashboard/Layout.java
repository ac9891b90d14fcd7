package dev.mailroom.server.dashboard;

import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailroomAdmin;

/**
 * The page around every view: head (one stylesheet, one deferred script, the session's CSRF token
 * in a meta tag), the top bar (overview, each outbox and inbox, ledger, audit, who is logged in,
 * read-only), and the links between a mailbox's pages.
 */
final class Layout {

    static final String ROOT = "/dashboard";
    static final String CSS = ROOT + "/static/dashboard.css";
    static final String JS = ROOT + "/static/dashboard.js";

    private final MailroomAdmin admin;

    Layout(MailroomAdmin admin) {
        this.admin = admin;
    }

    /** A whole page: {@code title} (escaped) and {@code body} (markup built with {@link Html}). */
    String page(String title, Sessions.Session session, String body) {
        Html h = new Html().raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .raw("<title>").text(title).raw(" · Mailroom</title>")
                .raw("<link rel=\"stylesheet\" href=\"" + CSS + "\">")
                .raw("<script defer src=\"" + JS + "\"></script>");
        if (session != null) {
            h.raw("<meta name=\"csrf-token\"").attr("content", session.csrf()).raw(">");
        }
        h.raw("</head><body><header class=\"top\"><a class=\"brand\" href=\"" + ROOT + "/\">Mailroom</a>");
        if (session != null) {
            h.raw("<nav>").link(ROOT + "/", "Overview");
            for (Mailbox mailbox : admin.mailboxes()) {
                h.link(box(mailbox) + "/messages", label(mailbox));
            }
            if (admin.hasLedger()) {
                h.link(ROOT + "/ledger", "Ledger");
            }
            h.link(ROOT + "/audit", "Audit").raw("</nav><div class=\"who\">");
            if (!admin.writesEnabled()) {
                h.raw("<span class=\"badge ro\" title=\"admin.writes-enabled is false\">read-only</span>");
            }
            h.element("span", "operator", session.operator())
                    .raw("<form method=\"post\" action=\"" + ROOT + "/logout\">").hidden("_csrf", session.csrf())
                    .raw("<button class=\"link\">Log out</button></form></div>");
        }
        return h.raw("</header><main>").raw(body).raw("</main></body></html>").toString();
    }

    /** The tabs of a mailbox's pages, the current one marked. */
    static void tabs(Html h, Mailbox mailbox, String current) {
        h.raw("<h1>").text(label(mailbox)).raw("</h1><nav class=\"tabs\">");
        String[][] tabs = {{"messages", "Messages"}, {"dead", "Dead letters"}, {"held-keys", "Held keys"}};
        for (String[] tab : tabs) {
            h.raw("<a").attr("href", box(mailbox) + "/" + tab[0]);
            if (tab[0].equals(current)) {
                h.raw(" class=\"current\"");
            }
            h.raw(">").text(tab[1]).raw("</a>");
        }
        h.raw("</nav>");
    }

    /** The path of a mailbox's pages: {@code /dashboard/services/orders}, {@code /dashboard/inboxes/notifications}. */
    static String box(Mailbox mailbox) {
        return ROOT + "/" + (mailbox.kind() == Mailbox.Kind.OUTBOX ? "services" : "inboxes") + "/" + Html.url(mailbox.name());
    }

    static String label(Mailbox mailbox) {
        return mailbox.kind() == Mailbox.Kind.OUTBOX ? mailbox.name() : "inbox " + mailbox.name();
    }

    /** A message box: {@code kind} is ok, info or error. */
    static void notice(Html h, String kind, String message) {
        h.raw("<p class=\"notice " + kind + "\" role=\"status\">").text(message).raw("</p>");
    }
}
