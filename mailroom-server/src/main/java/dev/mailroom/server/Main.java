package dev.mailroom.server;

import dev.mailroom.server.config.ConfigException;
import dev.mailroom.server.config.ConfigLoader;
import dev.mailroom.server.config.ServerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar mailroom-server.jar --config FILE}. Exit codes: 2 for a usage or configuration
 * error (one line on stderr naming the key), 1 when the server cannot start (database or broker
 * unreachable, port taken), 0 after SIGTERM or SIGINT once every relay has stopped gracefully.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    static final String USAGE = "usage: java -jar mailroom-server.jar --config FILE"
            + " (every key can be overridden by an environment variable MAILROOM_<KEY_PATH>, e.g. MAILROOM_ADMIN_PORT)";

    private Main() {
    }

    public static void main(String[] args) {
        ServerConfig config;
        try {
            config = ConfigLoader.load(configFile(args), System.getenv());
        } catch (UsageException e) {
            exit(System.err, 2, e.getMessage());
            return;
        } catch (ConfigException e) {
            exit(System.err, 2, "mailroom-server: invalid configuration: " + e.getMessage());
            return;
        }
        MailroomServer server;
        try {
            server = MailroomServer.start(config);
        } catch (ConfigException e) {
            exit(System.err, 2, "mailroom-server: invalid configuration: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.debug("Start failed", e);
            exit(System.err, 1, "mailroom-server: could not start: " + describe(e));
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mailroom-shutdown"));
        exitZeroOn("TERM");
        exitZeroOn("INT");
        System.out.println("Mailroom server listening on " + server.uri());
        server.dashboardUri().ifPresent(uri -> System.out.println("Mailroom dashboard on " + uri));
    }

    private static Path configFile(String[] args) {
        if (args.length == 2 && args[0].equals("--config")) {
            return Path.of(args[1]);
        }
        if (args.length == 1 && args[0].startsWith("--config=")) {
            return Path.of(args[0].substring("--config=".length()));
        }
        throw new UsageException(USAGE);
    }

    /**
     * A graceful stop is a success: the signal becomes {@code System.exit(0)}, which runs the shutdown
     * hook (relays, then HTTP, then the pool). Without the handler the JVM would exit 143 after the hook.
     */
    @SuppressWarnings("sunapi")
    private static void exitZeroOn(String signal) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), received -> {
                LOG.info("SIG{} received: stopping gracefully", signal);
                System.exit(0);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("Cannot handle SIG{}: the exit code after it is the JVM's", signal);
        }
    }

    /** The message of the failure and of its root cause, on one line. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (root != failure && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += " (" + root.getMessage() + ")";
        }
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    private static void exit(PrintStream stream, int code, String line) {
        stream.println(line.replaceAll("\\s*\\R\\s*", " "));
        stream.flush();
        System.exit(code);
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
