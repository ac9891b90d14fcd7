package dev.mailroom.cli;

import picocli.CommandLine.Option;

/** Which outbox or inbox a command looks into: exactly one of a service or a consumer group. */
final class MailboxOptions {

    @Option(names = {"-s", "--service"}, description = "A service's outbox.")
    String service;

    @Option(names = "--inbox", description = "A consumer group's inbox.")
    String group;

    /** The API path of the mailbox: {@code /api/v1/services/<name>} or {@code /api/v1/inboxes/<group>}. */
    String path() {
        return service != null ? "/api/v1/services/" + AdminClient.encode(service)
                : "/api/v1/inboxes/" + AdminClient.encode(group);
    }
}
