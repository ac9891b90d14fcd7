package dev.mailroom.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** Where the server is, the token, and how to print: on every command that speaks to the server. */
final class ServerOptions {

    @Option(names = "--url", defaultValue = "${env:MAILROOM_URL:-http://127.0.0.1:8080}",
            description = "The Mailroom server's admin API (default: $MAILROOM_URL or ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${env:MAILROOM_ADMIN_TOKEN}", arity = "1",
            description = "Bearer token (default: $MAILROOM_ADMIN_TOKEN).")
    String token;

    @Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "Output: ${COMPLETION-CANDIDATES} (json: the server's answer only, on stdout).")
    Output.Format format;

    AdminClient client() {
        return new AdminClient(url, token);
    }

    Output output(PrintWriter out) {
        return new Output(format, out);
    }
}
