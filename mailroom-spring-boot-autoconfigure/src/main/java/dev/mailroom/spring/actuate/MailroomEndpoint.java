package dev.mailroom.spring.actuate;

import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailboxOverview;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.admin.UnknownMailboxException;
import dev.mailroom.admin.WritesDisabledException;
import dev.mailroom.jdbc.operator.Actor;
import dev.mailroom.jdbc.operator.InvalidFilterException;
import dev.mailroom.jdbc.operator.MessageFilter;
import dev.mailroom.jdbc.operator.MessagePage;
import dev.mailroom.jdbc.operator.MessageSummary;
import dev.mailroom.jdbc.operator.MovePreview;
import dev.mailroom.jdbc.operator.MoveResult;
import dev.mailroom.jdbc.operator.OperatorMove;
import dev.mailroom.jdbc.operator.PageRequest;
import dev.mailroom.jdbc.operator.RelayInstance;
import dev.mailroom.jdbc.operator.Selection;
import dev.mailroom.state.OutboxState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code mailroom} Actuator endpoint: the operator operations of {@link MailroomAdmin}, read-only
 * unless {@code mailroom.admin.writes-enabled=true}. It adds no SQL of its own.
 *
 * <ul>
 *   <li>{@code GET /actuator/mailroom}: every outbox and inbox (counts per state, oldest undelivered
 *   age, dead, held keys, relay instances);</li>
 *   <li>{@code GET /actuator/mailroom/{outbox|inbox}/{name}?state=dead&type=&key=&after=&limit=}: a page
 *   of messages, newest first;</li>
 *   <li>{@code POST /actuator/mailroom/{outbox|inbox}/{name}} with {@code {"move":"replay|discard|skip",
 *   "ids":[..]} } or a {@code "state"/"type"/"key"} filter: a preview of what would change; with
 *   {@code "execute":true, "operator":"ada", "reason":"…"} it changes the rows and audits the move
 *   (403 while writes are disabled).</li>
 * </ul>
 */
@Endpoint(id = "mailroom")
public class MailroomEndpoint {

    private final MailroomAdmin admin;

    public MailroomEndpoint(MailroomAdmin admin) {
        this.admin = admin;
    }

    @ReadOperation
    public Map<String, Object> overview() {
        List<Map<String, Object>> boxes = new ArrayList<>();
        for (MailboxOverview box : admin.overview()) {
            boxes.add(overview(box));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("writesEnabled", admin.writesEnabled());
        view.put("mailboxes", boxes);
        return view;
    }

    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> messages(@Selector String kind, @Selector String name,
                                                             @Nullable String state, @Nullable String type,
                                                             @Nullable String key, @Nullable Long after,
                                                             @Nullable Integer limit) {
        try {
            Mailbox mailbox = mailbox(kind, name);
            MessagePage page = admin.search(mailbox, filter(state, type, key),
                    new PageRequest(after, limit == null ? PageRequest.DEFAULT_LIMIT : limit, true));
            List<Map<String, Object>> items = new ArrayList<>();
            page.items().forEach(item -> items.add(summary(item)));
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("items", items);
            view.put("next", page.next());
            return new WebEndpointResponse<>(view);
        } catch (UnknownMailboxException e) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "not_found", e.getMessage());
        } catch (InvalidFilterException | IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, "bad_request", e.getMessage());
        }
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> move(@Selector String kind, @Selector String name, String move,
                                                         @Nullable List<Long> ids, @Nullable String state,
                                                         @Nullable String type, @Nullable String key,
                                                         @Nullable Boolean execute, @Nullable String operator,
                                                         @Nullable String reason) {
        try {
            Mailbox mailbox = mailbox(kind, name);
            OperatorMove operatorMove = OperatorMove.valueOf(move.toUpperCase(Locale.ROOT));
            Selection selection = ids != null && !ids.isEmpty() ? Selection.ids(ids)
                    : Selection.matching(filter(state == null ? "dead" : state, type, key));
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("move", move.toLowerCase(Locale.ROOT));
            if (!Boolean.TRUE.equals(execute)) {
                MovePreview preview = admin.preview(mailbox, operatorMove, selection);
                view.put("executed", false);
                view.put("rows", preview.rows());
                view.put("firstIds", preview.firstIds());
                return new WebEndpointResponse<>(view);
            }
            MoveResult result = admin.apply(mailbox, operatorMove, selection, new Actor(operator, reason));
            view.put("executed", true);
            view.put("rows", result.rows());
            view.put("auditId", result.auditId());
            return new WebEndpointResponse<>(view);
        } catch (WritesDisabledException e) {
            return error(403, "read_only", e.getMessage() + " (set mailroom.admin.writes-enabled=true)");
        } catch (UnknownMailboxException e) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "not_found", e.getMessage());
        } catch (InvalidFilterException | IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, "bad_request", e.getMessage());
        }
    }

    private static Mailbox mailbox(String kind, String name) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "outbox" -> Mailbox.outbox(name);
            case "inbox" -> Mailbox.inbox(name);
            default -> throw new IllegalArgumentException("mailbox kind must be outbox or inbox, was " + kind);
        };
    }

    private static MessageFilter filter(String state, String type, String key) {
        MessageFilter filter = state == null ? MessageFilter.any()
                : MessageFilter.inState(OutboxState.valueOf(state.toUpperCase(Locale.ROOT)));
        if (type != null) {
            filter = filter.withEventType(type);
        }
        if (key != null) {
            filter = filter.withKey(key);
        }
        return filter;
    }

    private static Map<String, Object> overview(MailboxOverview box) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("kind", box.mailbox().kind().name().toLowerCase(Locale.ROOT));
        view.put("name", box.mailbox().name());
        view.put("table", box.table());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (OutboxState state : OutboxState.values()) {
            counts.put(state.name().toLowerCase(Locale.ROOT), box.counts().getOrDefault(state, 0L));
        }
        view.put("counts", counts);
        view.put("oldestUndeliveredAgeSeconds", box.oldestUndeliveredAge().map(age -> age.toMillis() / 1000.0).orElse(null));
        view.put("retrying", box.retrying());
        view.put("dead", box.dead());
        view.put("heldKeys", box.heldKeys());
        List<Map<String, Object>> relays = new ArrayList<>();
        for (RelayInstance relay : box.relays()) {
            Map<String, Object> instance = new LinkedHashMap<>();
            instance.put("instanceId", relay.instanceId());
            instance.put("host", relay.host());
            instance.put("claimMode", relay.claimMode());
            instance.put("startedAt", String.valueOf(relay.startedAt()));
            relays.add(instance);
        }
        view.put("relays", relays);
        return view;
    }

    private static Map<String, Object> summary(MessageSummary item) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", item.id());
        view.put("eventId", item.eventId().toString());
        view.put("eventType", item.eventType());
        view.put("key", item.key());
        view.put("state", item.state().name().toLowerCase(Locale.ROOT));
        view.put("attempts", item.attempts());
        view.put("maxAttempts", item.maxAttempts());
        view.put("lastError", item.lastError());
        view.put("createdAt", String.valueOf(item.createdAt()));
        view.put("holdsKey", item.holdsKey());
        view.put("payloadBytes", item.payloadBytes());
        return view;
    }

    private static WebEndpointResponse<Map<String, Object>> error(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return new WebEndpointResponse<>(body, status);
    }
}
