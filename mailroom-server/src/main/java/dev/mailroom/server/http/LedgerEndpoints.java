package dev.mailroom.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.admin.WritesDisabledException;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.PageRequest;
import dev.mailroom.ledger.LedgerFilter;
import dev.mailroom.ledger.LedgerState;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The compensation ledger's triage endpoints and the operators' audit trail. */
final class LedgerEndpoints {

    /** The note a ledger retry records when the operator gives no reason (the spec makes it optional). */
    static final String NO_REASON = "(no reason given)";

    private final MailroomAdmin admin;

    LedgerEndpoints(MailroomAdmin admin) {
        this.admin = admin;
    }

    void register(Router router) {
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
        LedgerFilter filter = new LedgerFilter(call.single("batch"), state == null ? null : state(state),
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
        if (!admin.writesEnabled()) {
            throw new WritesDisabledException(action + " ledger item " + id);
        }
        String reason = change.reason() == null && action.equals("retry") ? NO_REASON : change.reason();
        Actor actor = new Actor(change.operator(), reason);
        LedgerState state = switch (action) {
            case "resolve" -> admin.resolve(id, change.version(), actor);
            case "abandon" -> admin.abandon(id, change.version(), actor);
            default -> admin.retryNow(id, change.version(), actor);
        };
        return Reply.json(Views.object().put("id", id).put("state", state.dbValue()));
    }

    private Reply audit(Call call) {
        call.allowOnly(Set.of("target", "action", "before", "limit"));
        ArrayNode list = Views.array();
        admin.audit(call.single("target"), call.single("action"), call.optionalLong("before", 1),
                (int) call.longValue("limit", PageRequest.DEFAULT_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE))
                .forEach(record -> list.add(Views.audit(record)));
        return Reply.json(list);
    }

    private static LedgerState state(String text) {
        return Arrays.stream(LedgerState.values()).filter(state -> state.dbValue().equals(text)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("state", "state must be one of " + Arrays.stream(
                        LedgerState.values()).map(LedgerState::dbValue).collect(Collectors.joining(", "))
                        + ", was '" + Values.shorten(text) + "'"));
    }
}
