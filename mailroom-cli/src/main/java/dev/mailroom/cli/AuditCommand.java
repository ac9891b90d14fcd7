package dev.mailroom.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit}: the operators' writes, newest first. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Operator writes, newest first: who, when, what, why.")
final class AuditCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server;

    @Option(names = "--target", description = "Such as outbox:orders or inbox:notifications.")
    String target;

    @Option(names = "--action", description = "replay, discard or skip.")
    String action;

    @Option(names = "--before", description = "The page before this audit id.")
    Long before;

    @Option(names = "--limit", defaultValue = "50", description = "Records per page (default ${DEFAULT-VALUE}).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("target", target);
        query.put("action", action);
        query.put("before", before);
        query.put("limit", limit);
        server.output(spec.commandLine().getOut()).rows(server.client().get("/api/v1/audit", query),
                Output.Columns.of().field("ID", "id").field("AT", "at").field("ACTOR", "actor").field("ACTION", "action")
                        .field("TARGET", "target").field("ROWS", "rowsChanged").field("REASON", "reason")
                        .field("SELECTION", "selection"));
        return ExitCodes.OK;
    }
}
