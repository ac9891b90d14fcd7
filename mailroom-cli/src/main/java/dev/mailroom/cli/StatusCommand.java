package dev.mailroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code status}: every outbox and inbox, its counts, its oldest undelivered age, its relays. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "The overview of every outbox and inbox: counts by state, oldest undelivered age, relays.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = server.client();
        ArrayNode all = AdminClient.JSON.createArrayNode();
        client.get("/api/v1/services", Map.of()).forEach(all::add);
        client.get("/api/v1/inboxes", Map.of()).forEach(all::add);
        server.output(spec.commandLine().getOut()).rows(all, Output.Columns.of()
                .field("KIND", "kind").field("NAME", "name")
                .computed("PENDING", row -> count(row, "pending")).computed("SENDING", row -> count(row, "sending"))
                .computed("PUBLISHED", row -> count(row, "published")).computed("CONSUMED", row -> count(row, "consumed"))
                .field("DEAD", "dead").field("RETRYING", "retrying").field("HELD", "heldKeys")
                .computed("OLDEST", row -> row.path("oldestUndeliveredAgeSeconds").isNumber()
                        ? String.format("%.1fs", row.path("oldestUndeliveredAgeSeconds").asDouble()) : "-")
                .computed("RELAYS", StatusCommand::relays));
        return ExitCodes.OK;
    }

    private static String count(JsonNode row, String state) {
        return Output.text(row.path("counts").path(state));
    }

    private static String relays(JsonNode row) {
        int alive = 0;
        int gone = 0;
        for (JsonNode relay : row.path("relays")) {
            if (relay.path("alive").asBoolean()) {
                alive++;
            } else {
                gone++;
            }
        }
        return alive + " alive" + (gone > 0 ? ", " + gone + " gone" : "");
    }
}
