package dev.mailroom.server.dashboard;

import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailboxOverview;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.jdbc.operator.RelayInstance;
import dev.mailroom.state.OutboxState;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Per outbox and inbox: rows per state, the oldest undelivered age, retrying, dead and held keys,
 * delivered per second over the last minutes (outboxes whose relay runs here), and the relay
 * instances with their last heartbeat. The page reloads its own content every
 * {@link #REFRESH_SECONDS} seconds (dashboard.js fetches the fragment).
 */
final class OverviewPage {

    static final int REFRESH_SECONDS = 5;
    private static final int CHART_WIDTH = 300;
    private static final int CHART_HEIGHT = 60;

    private final MailroomAdmin admin;
    private final Layout layout;
    private final DeliveryRate rate;

    OverviewPage(MailroomAdmin admin, Layout layout, DeliveryRate rate) {
        this.admin = admin;
        this.layout = layout;
        this.rate = rate;
    }

    View page(Exchange exchange) {
        exchange.call().allowOnly(java.util.Set.of());
        Html h = new Html().raw("<h1>Overview</h1><div id=\"overview\"")
                .attr("data-refresh", Layout.ROOT + "/overview").attr("data-every", REFRESH_SECONDS).raw(">");
        content(h);
        return View.html(layout.page("Overview", exchange.session(), h.raw("</div>").toString()));
    }

    View fragment(Exchange exchange) {
        exchange.call().allowOnly(java.util.Set.of());
        Html h = new Html();
        content(h);
        return View.html(h.toString());
    }

    private void content(Html h) {
        h.raw("<p class=\"muted\">Updated <time>").text(Html.time(Instant.now()))
                .raw("</time>; refreshes every " + REFRESH_SECONDS + " s.</p><div class=\"cards\">");
        for (MailboxOverview overview : admin.overview()) {
            card(h, overview);
        }
        h.raw("</div>");
    }

    private void card(Html h, MailboxOverview overview) {
        Mailbox mailbox = overview.mailbox();
        String box = Layout.box(mailbox);
        h.raw("<section class=\"card\"").attr("data-box", mailbox.target()).raw("><h2>")
                .link(box + "/messages", Layout.label(mailbox)).raw(" <small>")
                .text((mailbox.kind() == Mailbox.Kind.OUTBOX ? "outbox" : "inbox") + " · " + overview.table())
                .raw("</small></h2><table class=\"counts\"><tr>");
        for (OutboxState state : OutboxState.values()) {
            h.element("th", null, state.dbValue());
        }
        h.raw("</tr><tr>");
        for (OutboxState state : OutboxState.values()) {
            h.raw("<td").attr("data-state", state.dbValue()).raw(">")
                    .link(box + "/messages?state=" + state.dbValue(), overview.counts().getOrDefault(state, 0L))
                    .raw("</td>");
        }
        h.raw("</tr></table><dl class=\"facts\"><dt>Oldest undelivered</dt><dd data-fact=\"oldest\">")
                .text(overview.oldestUndeliveredAge().map(Html::age).orElse("none"))
                .raw("</dd><dt>Retrying</dt><dd data-fact=\"retrying\">").text(overview.retrying())
                .raw("</dd><dt>Dead</dt><dd data-fact=\"dead\"").raw(overview.dead() > 0 ? " class=\"bad\">" : ">")
                .link(box + "/dead", overview.dead())
                .raw("</dd><dt>Held keys</dt><dd data-fact=\"held\"").raw(overview.heldKeys() > 0 ? " class=\"bad\">" : ">")
                .link(box + "/held-keys", overview.heldKeys()).raw("</dd></dl>");
        if (mailbox.kind() == Mailbox.Kind.OUTBOX) {
            chart(h, rate.rates(mailbox.name()));
            relays(h, overview.relays());
        }
        h.raw("</section>");
    }

    /** Bars of delivered per second, newest on the right, scaled to the highest. */
    private static void chart(Html h, List<DeliveryRate.Rate> rates) {
        h.raw("<figure class=\"chart\">");
        if (rates.isEmpty()) {
            h.raw("<figcaption>Delivered per second: no relay of this service runs in this server, or it has just"
                    + " started (one reading every " + DeliveryRate.INTERVAL.toSeconds() + " s).</figcaption></figure>");
            return;
        }
        double peak = rates.stream().mapToDouble(DeliveryRate.Rate::perSecond).max().orElse(0);
        int slots = DeliveryRate.SAMPLES - 1;
        double width = (double) CHART_WIDTH / slots;
        h.raw("<svg viewBox=\"0 0 " + CHART_WIDTH + " " + CHART_HEIGHT + "\" preserveAspectRatio=\"none\" role=\"img\""
                + " aria-label=\"delivered per second\">");
        int offset = slots - rates.size();
        for (int i = 0; i < rates.size(); i++) {
            DeliveryRate.Rate sample = rates.get(i);
            double height = peak == 0 ? 0 : (CHART_HEIGHT - 2) * sample.perSecond() / peak;
            h.raw("<rect x=\"" + format((offset + i) * width) + "\" y=\"" + format(CHART_HEIGHT - height)
                    + "\" width=\"" + format(Math.max(width - 1, 1)) + "\" height=\"" + format(height) + "\"><title>")
                    .text(Html.time(sample.at()) + ": " + format(sample.perSecond()) + "/s").raw("</title></rect>");
        }
        double now = rates.get(rates.size() - 1).perSecond();
        h.raw("</svg><figcaption>Delivered per second over the last ")
                .text(Html.age(DeliveryRate.INTERVAL.multipliedBy(rates.size())))
                .raw(": now <b data-fact=\"rate\">").text(format(now)).raw("</b>/s, peak ").text(format(peak))
                .raw("/s</figcaption></figure>");
    }

    private void relays(Html h, List<RelayInstance> relays) {
        if (relays.isEmpty()) {
            h.raw("<p class=\"muted\">No relay instance has recorded a heartbeat.</p>");
            return;
        }
        h.raw("<table class=\"relays\"><tr><th>Relay instance</th><th>Host</th><th>Claims</th><th>Started</th>"
                + "<th>Last heartbeat</th><th></th></tr>");
        for (RelayInstance relay : relays) {
            boolean alive = relay.alive(admin.relayExpiry());
            h.raw("<tr>").td(relay.instanceId()).td(relay.host()).td(relay.claimMode()).td(Html.time(relay.startedAt()))
                    .raw("<td>").text(Html.time(relay.lastSeenAt())).raw(" <small>(")
                    .text(Html.age(relay.silentFor())).raw(" ago)</small></td><td>")
                    .element("span", alive ? "badge ok" : "badge gone",
                            relay.stoppedAt() != null ? "stopped" : alive ? "alive" : "gone")
                    .raw("</td></tr>");
        }
        h.raw("</table>");
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, value >= 100 || value == Math.rint(value) ? "%.0f" : "%.1f", value);
    }
}
