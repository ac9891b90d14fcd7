package dev.mailroom.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailboxOverview;
import dev.mailroom.jdbc.operator.AuditRecord;
import dev.mailroom.jdbc.operator.HeldKey;
import dev.mailroom.jdbc.operator.MessageSummary;
import dev.mailroom.jdbc.operator.MovePreview;
import dev.mailroom.jdbc.operator.MoveResult;
import dev.mailroom.jdbc.operator.RelayInstance;
import dev.mailroom.jdbc.store.OutboxRow;
import dev.mailroom.ledger.AuditEntry;
import dev.mailroom.ledger.LedgerItem;
import dev.mailroom.state.OutboxState;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/** The JSON shapes of docs/admin-api.md, built field by field so the names are the spec's. */
final class Views {

    private Views() {
    }

    static ObjectNode object() {
        return Values.MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return Values.MAPPER.createArrayNode();
    }

    static ObjectNode overview(MailboxOverview overview, Duration relayExpiry) {
        ObjectNode node = object()
                .put("kind", overview.mailbox().kind() == Mailbox.Kind.OUTBOX ? "outbox" : "inbox")
                .put("name", overview.mailbox().name())
                .put("table", overview.table());
        ObjectNode counts = node.putObject("counts");
        for (OutboxState state : OutboxState.values()) {
            counts.put(state.dbValue(), overview.counts().getOrDefault(state, 0L));
        }
        if (overview.oldestUndeliveredAge().isPresent()) {
            node.put("oldestUndeliveredAgeSeconds", seconds(overview.oldestUndeliveredAge().get()));
        } else {
            node.putNull("oldestUndeliveredAgeSeconds");
        }
        node.put("retrying", overview.retrying()).put("dead", overview.dead()).put("heldKeys", overview.heldKeys());
        ArrayNode relays = node.putArray("relays");
        overview.relays().forEach(relay -> relays.add(relay(relay, relayExpiry)));
        return node;
    }

    static ObjectNode relay(RelayInstance relay, Duration expiry) {
        ObjectNode node = object().put("instanceId", relay.instanceId()).put("service", relay.service())
                .put("host", relay.host()).put("claimMode", relay.claimMode());
        time(node, "startedAt", relay.startedAt());
        time(node, "lastSeenAt", relay.lastSeenAt());
        node.put("silentForSeconds", seconds(relay.silentFor()));
        time(node, "stoppedAt", relay.stoppedAt());
        return node.put("alive", relay.alive(expiry));
    }

    static ObjectNode summary(MessageSummary row) {
        ObjectNode node = object().put("id", row.id()).put("eventId", text(row.eventId()))
                .put("eventType", row.eventType()).put("key", row.key()).put("state", row.state().dbValue())
                .put("attempts", row.attempts()).put("maxAttempts", row.maxAttempts());
        time(node, "nextAttemptAt", row.nextAttemptAt());
        node.put("lastError", row.lastError());
        time(node, "createdAt", row.createdAt());
        time(node, "updatedAt", row.updatedAt());
        return node.put("holdsKey", row.holdsKey()).put("tenantId", row.tenantId())
                .put("correlationId", row.correlationId()).put("payloadBytes", row.payloadBytes());
    }

    static ObjectNode message(OutboxRow row) {
        ObjectNode node = summary(new MessageSummary(row.id(), row.eventId(), row.eventType(), row.key(), row.state(),
                row.attempts(), row.maxAttempts(), row.nextAttemptAt(), row.lastError(), row.createdAt(),
                row.updatedAt(), row.holdsKey(), row.tenantId(), row.correlationId(), row.payload().length));
        node.put("contentType", row.contentType());
        ObjectNode headers = node.putObject("headers");
        row.headers().forEach(headers::put);
        node.put("eventVersion", row.eventVersion()).put("leaseOwner", row.leaseOwner());
        time(node, "leaseExpiresAt", row.leaseExpiresAt());
        time(node, "publishedAt", row.publishedAt());
        time(node, "consumedAt", row.consumedAt());
        ObjectNode payload = node.putObject("payload");
        String utf8 = Values.utf8(row.payload());
        if (utf8 != null) {
            payload.put("encoding", "utf8").put("data", utf8);
        } else {
            payload.put("encoding", "base64").put("data", Base64.getEncoder().encodeToString(row.payload()));
        }
        return node;
    }

    static ObjectNode heldKey(HeldKey held) {
        ObjectNode node = object().put("id", held.id()).put("eventId", text(held.eventId())).put("key", held.key())
                .put("eventType", held.eventType()).put("lastError", held.lastError());
        time(node, "since", held.since());
        return node.put("waiting", held.waiting());
    }

    static ObjectNode preview(MovePreview preview) {
        ObjectNode node = object().put("move", preview.move().action()).put("executed", false).put("rows", preview.rows());
        ArrayNode ids = node.putArray("firstIds");
        preview.firstIds().forEach(ids::add);
        return node;
    }

    static ObjectNode result(MoveResult result) {
        return object().put("move", result.move().action()).put("executed", true).put("rows", result.rows())
                .put("auditId", result.auditId());
    }

    static ObjectNode audit(AuditRecord record) {
        ObjectNode node = object().put("id", record.id());
        time(node, "at", record.at());
        node.put("actor", record.actor()).put("action", record.action()).put("target", record.target());
        node.set("selection", selection(record.selection()));
        return node.put("rowsChanged", record.rowsChanged()).put("reason", record.reason());
    }

    static ObjectNode ledgerItem(LedgerItem item) {
        ObjectNode node = object().put("id", item.id()).put("batchId", item.batchId())
                .put("operationType", item.operationType()).put("itemIndex", item.itemIndex())
                .put("payloadJson", item.payloadJson()).put("failureReason", item.failureReason())
                .put("state", item.state().dbValue()).put("attempts", item.attempts())
                .put("maxAttempts", item.maxAttempts());
        time(node, "nextAttemptAt", item.nextAttemptAt());
        node.put("leaseOwner", item.leaseOwner());
        time(node, "leaseExpiresAt", item.leaseExpiresAt());
        time(node, "resolvedAt", item.resolvedAt());
        node.put("resolvedBy", item.resolvedBy()).put("resolutionNotes", item.resolutionNotes());
        time(node, "createdAt", item.createdAt());
        time(node, "updatedAt", item.updatedAt());
        return node.put("createdBy", item.createdBy()).put("version", item.version());
    }

    static ObjectNode ledgerAudit(AuditEntry entry) {
        ObjectNode node = object().put("itemId", entry.itemId()).put("actor", entry.actor())
                .put("from", entry.from() == null ? null : entry.from().dbValue())
                .put("to", entry.to() == null ? null : entry.to().dbValue())
                .put("version", entry.version()).put("notes", entry.notes());
        time(node, "changedAt", entry.changedAt());
        return node;
    }

    static ObjectNode error(String code, String message, String field) {
        ObjectNode node = object().put("error", code).put("message", message);
        if (field != null) {
            node.put("field", field);
        }
        return node;
    }

    private static JsonNode selection(String json) {
        try {
            return Values.MAPPER.readTree(json);
        } catch (Exception e) {
            return Values.MAPPER.getNodeFactory().textNode(json);
        }
    }

    private static void time(ObjectNode node, String field, Instant instant) {
        if (instant == null) {
            node.putNull(field);
        } else {
            node.put(field, instant.toString());
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
