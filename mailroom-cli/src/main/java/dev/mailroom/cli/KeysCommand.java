package dev.mailroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keys held|skip|retry}: keys held back by a dead event (poison policy HOLD_KEY). */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Keys held back by a dead event: list them, skip the dead event (it stays dead) or retry it.")
final class KeysCommand {

    @Spec
    CommandSpec spec;

    @Command(name = "held", mixinStandardHelpOptions = true,
            description = "Dead events holding their key, with how many events wait behind each.")
    int held(@Mixin ServerOptions server, @ArgGroup(multiplicity = "1") MailboxOptions box,
             @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
             int limit) {
        JsonNode held = server.client().get(box.path() + "/held-keys", Map.of("limit", limit));
        server.output(spec.commandLine().getOut()).rows(held, Output.Columns.of()
                .field("ID", "id").field("KEY", "key").field("TYPE", "eventType").field("WAITING", "waiting")
                .field("SINCE", "since").field("LAST ERROR", "lastError"));
        return ExitCodes.OK;
    }

    @Command(name = "skip", mixinStandardHelpOptions = true,
            description = "The dead events stop holding their keys and stay dead (previews unless --execute).")
    int skip(@Mixin ServerOptions server, @ArgGroup(multiplicity = "1") MailboxOptions box, @Mixin WriteOptions write,
             @Parameters(paramLabel = "ID", arity = "1..*", description = "Ids of dead events holding their key.")
             List<Long> ids) {
        return MessagesCommand.move(spec, server, box.path() + "/held-keys/skip", ids, null, write);
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "The dead events are delivered again, first of their keys (previews unless --execute).")
    int retry(@Mixin ServerOptions server, @ArgGroup(multiplicity = "1") MailboxOptions box, @Mixin WriteOptions write,
              @Parameters(paramLabel = "ID", arity = "1..*", description = "Ids of dead events holding their key.")
              List<Long> ids) {
        return MessagesCommand.move(spec, server, box.path() + "/held-keys/retry", ids, null, write);
    }
}
