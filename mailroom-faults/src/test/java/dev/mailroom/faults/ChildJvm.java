package dev.mailroom.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A main class of the test sources run in a JVM of its own on this JVM's class path, so that a test
 * can really kill it ({@code SIGKILL}), pause it ({@code SIGSTOP}) and continue it ({@code SIGCONT}).
 * Its output goes to {@code target/fault-logs/<name>.log}; lines starting with {@code @} (the
 * child's markers) are kept for {@link #awaitMarker}.
 *
 * <p>No child outlives the test: the child exits when its stdin closes ({@link ChildMain#exitWithParent}),
 * {@link #close()} continues and kills it, and a shutdown hook does the same for any still alive.
 */
final class ChildJvm implements AutoCloseable {

    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();
    private static final Path LOGS = Path.of("target", "fault-logs");

    static {
        deleteOldLogs();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildJvm::close), "fault-children-reaper"));
    }

    private final String name;
    private final Process process;
    private final List<String> markers = new CopyOnWriteArrayList<>();

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /** Logs of an earlier run go, so that each child's log holds this run only (children append: one name may be started again). */
    private static void deleteOldLogs() {
        try (java.util.stream.Stream<Path> logs = Files.exists(LOGS) ? Files.list(LOGS) : java.util.stream.Stream.empty()) {
            for (Path log : (Iterable<Path>) logs::iterator) {
                Files.delete(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not clear " + LOGS, e);
        }
    }

    static ChildJvm start(String name, Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        try {
            Files.createDirectories(LOGS);
            ChildJvm child = new ChildJvm(name, new ProcessBuilder(command).redirectErrorStream(true).start());
            LIVE.add(child);
            child.pipeOutput(LOGS.resolve(name + ".log"));
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start child JVM " + name, e);
        }
    }

    private void pipeOutput(Path log) throws IOException {
        Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Thread reader = new Thread(() -> {
            try (file; BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("@")) {
                        markers.add(line);
                    }
                    file.write(line);
                    file.write('\n');
                    file.flush();
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "child-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    boolean printed(String marker) {
        return markers.stream().anyMatch(line -> line.startsWith(marker));
    }

    long markerCount(String marker) {
        return markers.stream().filter(line -> line.startsWith(marker)).count();
    }

    void awaitMarker(String marker, Duration atMost) {
        Awaitility.await(name + " printing " + marker).atMost(atMost)
                .until(() -> printed(marker) || !process.isAlive());
        if (!printed(marker)) {
            throw new IllegalStateException(name + " ended (exit " + process.exitValue() + ") before printing " + marker
                    + "; see " + LOGS.resolve(name + ".log"));
        }
    }

    /** Sends a signal with {@code kill -<signal> <pid>}: KILL, STOP or CONT. */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code SIGKILL}, then waits until the process is gone. */
    void kill() {
        signal("KILL");
        awaitExit();
    }

    /** The process state letter from {@code /proc}: 'T' while stopped. */
    char state() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
        } catch (IOException e) {
            return 'X';
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not end within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (RuntimeException e) {
                // it ended meanwhile
            }
            process.destroyForcibly();
            awaitExit();
        }
        LIVE.remove(this);
    }
}
