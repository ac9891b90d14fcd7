package dev.mailroom.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.admin.WritesDisabledException;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.PageRequest;
import dev.mailroom.ledger.LedgerFilter;
import dev.mailroom.ledger.LedgerState;
import java.util.Set;

/** The compensation ledger's triage endpoints and the operators' audit trail. */
public final class LedgerEndpoints {

    /** The note a ledger retry records when the operator gives no reason (the spec makes it optional). */
    public static final String NO_REASON = "(no reason given)";

    /** The changes an operator makes to a ledger item, by the name in their path. */
    public static final Set<String> CHANGES = Set.of("resolve", "abandon", "retry");

    private final MailroomAdmin admin;

    LedgerEndpoints(MailroomAdmin admin) {
        this.admin = admin;
    }

    void register(Router<Router.Endpoint> router) {
        router.add("GET", "/api/v1/ledger/items", this::items)
                .add("GET", "/api/v1/ledger/items/{id}", this::item)
                .add("POST", "/api/v1/ledger/items/{id}/resolve", call -> change(call, "resolve"))
                .add("POST", "/api/v1/ledger/items/{id}/abandon", call -> change(call, "abandon"))
                .add("POST", "/api/v1/ledger/items/{id}/retry", call -> change(call, "retry"))
                .add("GET", "/api/v1/audit", this::audit);
    }

    private Reply items(Call call) {
        call.allowOnly(Set.of("state", "type", "batch", "after", "limit"));
        String state = call.single("state");
        LedgerFilter filter = new LedgerFilter(call.single("batch"), state == null ? null : Values.parseLedgerState("state", state),
                call.single("type"), call.longValue("after", 0, 0, Long.MAX_VALUE),
                (int) call.longValue("limit", LedgerFilter.DEFAULT_LIMIT, 1, LedgerFilter.MAX_LIMIT));
        ArrayNode list = Views.array();
        admin.ledgerItems(filter).forEach(item -> list.add(Views.ledgerItem(item)));
        return Reply.json(list);
    }

    private Reply item(Call call) {
        call.allowOnly(Set.of());
        long id = Values.parseLong("id", call.path("id"), 1, Long.MAX_VALUE);
        ObjectNode item = admin.ledgerItem(id).map(Views::ledgerItem)
                .orElseThrow(() -> ApiException.notFound("No ledger item " + id));
        ArrayNode trail = item.putArray("trail");
        admin.ledgerTrail(id).forEach(entry -> trail.add(Views.ledgerAudit(entry)));
        return Reply.json(item);
    }

    private Reply change(Call call, String action) {
        call.allowOnly(Set.of());
        long id = Values.parseLong("id", call.path("id"), 1, Long.MAX_VALUE);
        Moves.Change change = Moves.change(call.body());
        LedgerState state = change(admin, id, action, change.version(), change.operator(), change.reason());
        return Reply.json(Views.object().put("id", id).put("state", state.dbValue()));
    }

    /**
     * Resolves, abandons or retries ledger item {@code id} at the version the operator saw, as
     * {@code operator} for {@code reason} (optional for a retry); refused while writes are disabled.
     */
    public static LedgerState change(MailroomAdmin admin, long id, String action, long version, String operator,
                                     String reason) {
        if (!admin.writesEnabled()) {
            throw new WritesDisabledException(action + " ledger item " + id);
        }
        Actor actor = new Actor(operator, reason == null && action.equals("retry") ? NO_REASON : reason);
        return switch (action) {
            case "resolve" -> admin.resolve(id, version, actor);
            case "abandon" -> admin.abandon(id, version, actor);
            case "retry" -> admin.retryNow(id, version, actor);
            default -> throw ApiException.notFound("No ledger change '" + Values.shorten(action) + "'");
        };
    }

    private Reply audit(Call call) {
        call.allowOnly(Set.of("target", "action", "before", "limit"));
        ArrayNode list = Views.array();
        admin.audit(call.single("target"), call.single("action"), call.optionalLong("before", 1),
                (int) call.longValue("limit", PageRequest.DEFAULT_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE))
                .forEach(record -> list.add(Views.audit(record)));
        return Reply.json(list);
    }
}
