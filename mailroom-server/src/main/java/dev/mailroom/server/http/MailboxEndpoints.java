package dev.mailroom.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.admin.WritesDisabledException;
import dev.mailroom.jdbc.operator.MessagePage;
import dev.mailroom.jdbc.operator.OperatorMove;
import dev.mailroom.jdbc.operator.PageRequest;
import java.util.Set;

/** The outbox and inbox endpoints: overviews, relays, search, one message, dead-row moves, held keys. */
final class MailboxEndpoints {

    private final MailroomAdmin admin;

    MailboxEndpoints(MailroomAdmin admin) {
        this.admin = admin;
    }

    void register(Router<Router.Endpoint> router) {
        router.add("GET", "/api/v1/relays", this::relays);
        for (Mailbox.Kind kind : Mailbox.Kind.values()) {
            String prefix = "/api/v1/" + (kind == Mailbox.Kind.OUTBOX ? "services" : "inboxes");
            router.add("GET", prefix, call -> overviews(call, kind))
                    .add("GET", prefix + "/{name}", call -> Reply.json(Views.overview(
                            admin.overview(mailbox(call, kind)), admin.relayExpiry())))
                    .add("GET", prefix + "/{name}/messages", call -> search(call, kind))
                    .add("GET", prefix + "/{name}/messages/{id}", call -> message(call, kind))
                    .add("POST", prefix + "/{name}/dead/replay", call -> move(call, kind, OperatorMove.REPLAY))
                    .add("POST", prefix + "/{name}/dead/discard", call -> move(call, kind, OperatorMove.DISCARD))
                    .add("GET", prefix + "/{name}/held-keys", call -> heldKeys(call, kind))
                    .add("POST", prefix + "/{name}/held-keys/skip", call -> move(call, kind, OperatorMove.SKIP))
                    .add("POST", prefix + "/{name}/held-keys/retry", call -> move(call, kind, OperatorMove.REPLAY));
        }
    }

    private Reply overviews(Call call, Mailbox.Kind kind) {
        call.allowOnly(Set.of());
        ArrayNode list = Views.array();
        admin.overview().stream().filter(overview -> overview.mailbox().kind() == kind)
                .forEach(overview -> list.add(Views.overview(overview, admin.relayExpiry())));
        return Reply.json(list);
    }

    private Reply relays(Call call) {
        call.allowOnly(Set.of());
        ArrayNode list = Views.array();
        admin.relays().forEach(relay -> list.add(Views.relay(relay, admin.relayExpiry())));
        return Reply.json(list);
    }

    private Reply search(Call call, Mailbox.Kind kind) {
        call.allowOnly(Filters.SEARCH_PARAMETERS);
        Mailbox mailbox = mailbox(call, kind);
        MessagePage found = admin.search(mailbox, Filters.fromQuery(call), Filters.pageOf(call));
        ArrayNode items = Views.array();
        found.items().forEach(summary -> items.add(Views.summary(summary)));
        var body = Views.object();
        body.set("items", items);
        if (found.next() == null) {
            body.putNull("next");
        } else {
            body.put("next", found.next());
        }
        return Reply.json(body);
    }

    private Reply message(Call call, Mailbox.Kind kind) {
        call.allowOnly(Set.of());
        Mailbox mailbox = mailbox(call, kind);
        long id = Values.parseLong("id", call.path("id"), 1, Long.MAX_VALUE);
        return admin.find(mailbox, id).map(row -> Reply.json(Views.message(row)))
                .orElseThrow(() -> ApiException.notFound("No message " + id + " in " + mailbox.target()));
    }

    private Reply heldKeys(Call call, Mailbox.Kind kind) {
        call.allowOnly(Set.of("limit"));
        Mailbox mailbox = mailbox(call, kind);
        int limit = (int) call.longValue("limit", PageRequest.DEFAULT_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE);
        ArrayNode list = Views.array();
        admin.heldKeys(mailbox, limit).forEach(held -> list.add(Views.heldKey(held)));
        return Reply.json(list);
    }

    private Reply move(Call call, Mailbox.Kind kind, OperatorMove operatorMove) {
        call.allowOnly(Set.of());
        Mailbox mailbox = mailbox(call, kind);
        Moves.Move move = Moves.move(call.body());
        if (!move.execute()) {
            return Reply.json(Views.preview(admin.preview(mailbox, operatorMove, move.selection())));
        }
        if (!admin.writesEnabled()) {
            throw new WritesDisabledException(operatorMove.action() + " on " + mailbox.target());
        }
        return Reply.json(Views.result(admin.apply(mailbox, operatorMove, move.selection(), move.actor())));
    }

    private static Mailbox mailbox(Call call, Mailbox.Kind kind) {
        return new Mailbox(kind, call.path("name"));
    }
}
