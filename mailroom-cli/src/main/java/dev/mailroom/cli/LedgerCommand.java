package dev.mailroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ledger list|show|resolve|abandon|retry}: the compensation ledger's triage. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Compensation ledger items: list, show, and resolve, abandon or retry one (with its version).")
final class LedgerCommand {

    @Spec
    CommandSpec spec;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Items, oldest first.")
    int list(@Mixin ServerOptions server,
             @Option(names = "--state", description = "pending, retrying, resolved, manual_required, abandoned.") String state,
             @Option(names = "--type", description = "Operation type.") String type,
             @Option(names = "--batch", description = "Batch id.") String batch,
             @Option(names = "--after", defaultValue = "0", description = "The page after this id.") long after,
             @Option(names = "--limit", defaultValue = "100", description = "Items per page (default ${DEFAULT-VALUE}).") int limit) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("state", state);
        query.put("type", type);
        query.put("batch", batch);
        query.put("after", after);
        query.put("limit", limit);
        JsonNode items = server.client().get("/api/v1/ledger/items", query);
        server.output(spec.commandLine().getOut()).rows(items, Output.Columns.of()
                .field("ID", "id").field("STATE", "state").field("TYPE", "operationType").field("BATCH", "batchId")
                .field("ITEM", "itemIndex").field("ATTEMPTS", "attempts").field("VERSION", "version")
                .field("REASON", "failureReason"));
        return ExitCodes.OK;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One item and its trail of changes.")
    int show(@Mixin ServerOptions server, @Parameters(paramLabel = "ID") long id) {
        server.output(spec.commandLine().getOut()).object(server.client().get("/api/v1/ledger/items/" + id, Map.of()));
        return ExitCodes.OK;
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Mark it resolved (fixed by hand).")
    int resolve(@Mixin ServerOptions server, @Mixin Change change, @Parameters(paramLabel = "ID") long id) {
        return change(server, change, id, "resolve");
    }

    @Command(name = "abandon", mixinStandardHelpOptions = true, description = "Give it up for good.")
    int abandon(@Mixin ServerOptions server, @Mixin Change change, @Parameters(paramLabel = "ID") long id) {
        return change(server, change, id, "abandon");
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Run it again now.")
    int retry(@Mixin ServerOptions server, @Mixin Change change, @Parameters(paramLabel = "ID") long id) {
        return change(server, change, id, "retry");
    }

    private int change(ServerOptions server, Change change, long id, String action) {
        ObjectNode body = AdminClient.JSON.createObjectNode().put("version", change.version);
        if (change.operator != null) {
            body.put("operator", change.operator);
        }
        if (change.reason != null) {
            body.put("reason", change.reason);
        }
        JsonNode answer = server.client().post("/api/v1/ledger/items/" + id + "/" + action, body);
        Output output = server.output(spec.commandLine().getOut());
        if (output.json()) {
            output.object(answer);
        } else {
            output.note("item " + id + " is now " + answer.path("state").asText());
        }
        return ExitCodes.OK;
    }

    /** What an item's change takes: the version it was read at, who and why. */
    static final class Change {

        @Option(names = "--item-version", required = true, description = "The item's version as last read (a stale one is refused).")
        long version;

        @Option(names = "--operator", defaultValue = "${env:MAILROOM_OPERATOR:-${env:USER}}",
                description = "Who (default: $MAILROOM_OPERATOR, else $USER).")
        String operator;

        @Option(names = "--reason", description = "Why (required to resolve or abandon).")
        String reason;
    }
}
