package dev.mailroom.faults;

import dev.mailroom.testkit.db.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A PostgreSQL cluster of the suite's own ({@code <version> faults}, port {@value #PORT}, trust
 * authentication), created with Debian's {@code pg_createcluster} on first use, so that a scenario
 * can crash it ({@code pg_ctlcluster ... stop -m immediate}) without touching the shared server
 * other tests use. Needs the rights to run {@code pg_createcluster} (root or the postgres user).
 */
final class ScratchPostgres {

    static final int PORT = 5433;
    private static final String NAME = "faults";

    private final String version;

    private ScratchPostgres(String version) {
        this.version = version;
    }

    /** The cluster, created and started when needed. */
    static ScratchPostgres running() {
        ScratchPostgres cluster = new ScratchPostgres(installedVersion());
        if (!run("pg_lsclusters", "-h").contains(cluster.version + " " + NAME + " ")) {
            run("pg_createcluster", cluster.version, NAME, "-p", Integer.toString(PORT), "--",
                    "--auth-local=trust", "--auth-host=trust");
        }
        cluster.start();
        return cluster;
    }

    DatabaseSettings settings() {
        return new DatabaseSettings("jdbc:postgresql://127.0.0.1:" + PORT + "/postgres", "postgres", "");
    }

    /** Stops the server at once, as a crash: no checkpoint, every session cut, recovery from the WAL at the next start. */
    void crash() {
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, NAME, "stop", "-m", "immediate");
    }

    /** Starts the server when it is down and waits until it accepts connections. */
    void start() {
        if (!run("pg_lsclusters", "-h").contains(version + " " + NAME + " " + PORT + " online")) {
            run("pg_ctlcluster", "--skip-systemctl-redirect", version, NAME, "start");
        }
        Awaitility.await("the scratch cluster accepting connections").atMost(Duration.ofSeconds(60))
                .until(() -> exitCode("pg_isready", "-q", "-h", "127.0.0.1", "-p", Integer.toString(PORT)) == 0);
    }

    private static String installedVersion() {
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(path -> path.getFileName().toString()).sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL cluster in /etc/postgresql"));
        } catch (IOException e) {
            throw new UncheckedIOException("Debian's PostgreSQL packages (/etc/postgresql) are needed", e);
        }
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int exitCode(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
