package dev.mailroom.cli;

/** What the CLI's exit status means, for scripts. */
final class ExitCodes {

    /** Done. */
    static final int OK = 0;
    /** It failed: the server or the database could not be reached, or answered with an error of its own. */
    static final int FAILURE = 1;
    /** The command line, or a value in it, is wrong (a bad filter, an unknown option). */
    static final int USAGE = 2;
    /** What was named does not exist (a service, a group, a row, a ledger item). */
    static final int NOT_FOUND = 3;
    /** Refused: no or a wrong token, writes not enabled on the server, a stale ledger version. */
    static final int REFUSED = 4;

    private ExitCodes() {
    }
}
