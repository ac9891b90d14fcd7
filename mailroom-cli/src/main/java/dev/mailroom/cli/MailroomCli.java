package dev.mailroom.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mailroom}: the operator's command line. Every command but {@code schema} speaks to a
 * Mailroom server's admin API ({@code --url}, token from {@code MAILROOM_ADMIN_TOKEN}); bulk writes
 * preview and change nothing without {@code --execute}. Exit codes: 0 ok, 1 failure, 2 usage,
 * 3 not found, 4 refused.
 */
@Command(name = "mailroom", mixinStandardHelpOptions = true, version = "mailroom 0.1.0-SNAPSHOT",
        description = "Look into and repair Mailroom outboxes, inboxes and the compensation ledger.",
        subcommands = {StatusCommand.class, MessagesCommand.Outbox.class, MessagesCommand.Dead.class,
                KeysCommand.class, LedgerCommand.class, AuditCommand.class, SchemaCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (server or database unreachable, or an error of theirs)",
                "2:usage (a bad option or value)", "3:not found", "4:refused (token, read-only, stale version)"})
public final class MailroomCli {

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line, printing to {@code out} and {@code err}; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new MailroomCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, line, parsed) -> {
            if (exception instanceof ApiException api) {
                err.println("error: " + api.code() + ": " + api.getMessage());
                return api.exitCode();
            }
            if (exception instanceof CommandLine.ParameterException) {
                throw exception;
            }
            err.println("error: " + exception.getMessage());
            return ExitCodes.FAILURE;
        });
        return commandLine.execute(args);
    }
}
