package dev.mailroom.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** What every bulk write takes: it previews unless {@code --execute}, and then says who and why. */
final class WriteOptions {

    @Option(names = "--execute", description = "Make the change (without it: a preview that changes nothing).")
    boolean execute;

    @Option(names = "--operator", defaultValue = "${env:MAILROOM_OPERATOR:-${env:USER}}",
            description = "Who makes the change, for the audit trail (default: $MAILROOM_OPERATOR, else $USER).")
    String operator;

    @Option(names = "--reason", description = "Why, for the audit trail (required with --execute).")
    String reason;

    /** Adds execute, operator and reason to a move's body. */
    ObjectNode into(ObjectNode body) {
        body.put("execute", execute);
        if (operator != null) {
            body.put("operator", operator);
        }
        if (reason != null) {
            body.put("reason", reason);
        }
        return body;
    }
}
