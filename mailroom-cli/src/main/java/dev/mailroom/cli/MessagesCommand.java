package dev.mailroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The rows of an outbox or inbox: {@code outbox list|show} and {@code dead list|replay|discard}. */
final class MessagesCommand {

    private MessagesCommand() {
    }

    /** {@code outbox}: search rows and read one whole. */
    @Command(name = "outbox", mixinStandardHelpOptions = true,
            description = "Search an outbox (or inbox) and read one row whole.")
    static final class Outbox {

        @Spec
        CommandSpec spec;

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Rows matching the filter, newest first.")
        int list(@Mixin ServerOptions server, @ArgGroup(multiplicity = "1") MailboxOptions box,
                 @Mixin FilterOptions filter, @Mixin PageOptions page) {
            return MessagesCommand.list(spec, server, box, filter, page);
        }

        @Command(name = "show", mixinStandardHelpOptions = true,
                description = "One row whole: payload (text, or base64 when not UTF-8), headers, attempts, times.")
        int show(@Mixin ServerOptions server, @ArgGroup(multiplicity = "1") MailboxOptions box,
                 @Parameters(paramLabel = "ID", description = "The row's id.") long id) {
            JsonNode row = server.client().get(box.path() + "/messages/" + id, Map.of());
            server.output(spec.commandLine().getOut()).object(row);
            return ExitCodes.OK;
        }
    }

    /** {@code dead}: dead rows, and the operator's replay and discard of them. */
    @Command(name = "dead", mixinStandardHelpOptions = true,
            description = "Dead rows: list them, replay them (deliver again) or discard them, by id or by filter.")
    static final class Dead {

        @Spec
        CommandSpec spec;

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead rows matching the filter.")
        int list(@Mixin ServerOptions server, @ArgGroup(multiplicity = "1") MailboxOptions box,
                 @Mixin FilterOptions filter, @Mixin PageOptions page) {
            filter.states = List.of("dead");
            return MessagesCommand.list(spec, server, box, filter, page);
        }

        @Command(name = "replay", mixinStandardHelpOptions = true,
                description = "Dead rows back to pending, due now, attempts reset (previews unless --execute).")
        int replay(@Mixin ServerOptions server, @ArgGroup(multiplicity = "1") MailboxOptions box,
                   @Mixin FilterOptions filter, @Mixin WriteOptions write,
                   @Parameters(paramLabel = "ID", arity = "0..*", description = "Row ids; without: every dead row matching the filter.")
                   List<Long> ids) {
            return move(spec, server, box.path() + "/dead/replay", ids, filter, write);
        }

        @Command(name = "discard", mixinStandardHelpOptions = true,
                description = "Dead rows set aside for good (previews unless --execute).")
        int discard(@Mixin ServerOptions server, @ArgGroup(multiplicity = "1") MailboxOptions box,
                    @Mixin FilterOptions filter, @Mixin WriteOptions write,
                    @Parameters(paramLabel = "ID", arity = "0..*", description = "Row ids; without: every dead row matching the filter.")
                    List<Long> ids) {
            return move(spec, server, box.path() + "/dead/discard", ids, filter, write);
        }
    }

    /** One page of the paged search. */
    static final class PageOptions {

        @Option(names = "--limit", defaultValue = "50", description = "Rows per page (1-500, default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--after", description = "The page after this id (the previous page's 'next').")
        Long after;

        @Option(names = "--order", defaultValue = "newest", description = "newest or oldest first (default ${DEFAULT-VALUE}).")
        String order;
    }

    static int list(CommandSpec spec, ServerOptions server, MailboxOptions box, FilterOptions filter, PageOptions page) {
        Map<String, Object> query = filter.query();
        query.put("limit", page.limit);
        query.put("after", page.after);
        query.put("order", page.order);
        JsonNode answer = server.client().get(box.path() + "/messages", query);
        Output output = server.output(spec.commandLine().getOut());
        if (output.json()) {
            output.object(answer);
            return ExitCodes.OK;
        }
        output.rows(answer.path("items"), Output.Columns.of()
                .field("ID", "id").field("STATE", "state").field("TYPE", "eventType").field("KEY", "key")
                .computed("ATTEMPTS", row -> row.path("attempts").asText() + "/" + row.path("maxAttempts").asText())
                .field("CREATED", "createdAt").field("LAST ERROR", "lastError"));
        if (!answer.path("next").isNull() && !answer.path("next").isMissingNode()) {
            output.note("more: --after " + answer.path("next").asText());
        }
        return ExitCodes.OK;
    }

    /** A replay, discard, skip or retry: by ids, or by the filter when no id is given; a preview unless executed. */
    static int move(CommandSpec spec, ServerOptions server, String path, List<Long> ids, FilterOptions filter,
                    WriteOptions write) {
        ObjectNode body = AdminClient.JSON.createObjectNode();
        if (ids != null && !ids.isEmpty()) {
            ArrayNode listed = body.putArray("ids");
            ids.forEach(listed::add);
        } else if (filter != null) {
            body.set("filter", filter.json());
        } else {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Name at least one row id");
        }
        JsonNode answer = server.client().post(path, write.into(body));
        Output output = server.output(spec.commandLine().getOut());
        if (output.json()) {
            output.object(answer);
        } else if (answer.path("executed").asBoolean()) {
            output.note(answer.path("move").asText() + ": " + answer.path("rows").asLong() + " rows changed (audit record "
                    + answer.path("auditId").asText() + ")");
        } else {
            output.note("preview of " + answer.path("move").asText() + ": " + answer.path("rows").asLong()
                    + " rows would change" + (answer.path("firstIds").isEmpty() ? "" : ", first ids "
                    + answer.path("firstIds")) + "; nothing changed (add --execute --reason \"...\" to do it)");
        }
        return ExitCodes.OK;
    }
}
