package dev.mailroom.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged server jar running in a child process, and an HTTP client for its API. */
final class ServerProcess implements AutoCloseable {

    static final String TOKEN = "e2e-token-0123456789abcdef0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "mailroom-server.jar");
    private static final Pattern LISTENING = Pattern.compile("Mailroom server listening on (http://\\S+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path output;
    private final URI uri;

    private ServerProcess(Process process, Path output, URI uri) {
        this.process = process;
        this.output = output;
        this.uri = uri;
    }

    /** Starts the jar with this configuration file and environment (plus the token); returns once it listens. */
    static ServerProcess start(Path config, Map<String, String> environment) {
        Process process = launch(config, environment);
        Path output = outputOf(config);
        URI[] uri = new URI[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Matcher matcher = LISTENING.matcher(read(output));
            if (matcher.find()) {
                uri[0] = URI.create(matcher.group(1));
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + read(output));
            }
            return false;
        });
        return new ServerProcess(process, output, uri[0]);
    }

    /** Starts the jar expecting it to refuse to start; returns its exit code and output. */
    static Exit run(Path config, Map<String, String> environment) throws InterruptedException {
        Process process = launch(config, environment);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not exit");
        }
        return new Exit(process.exitValue(), read(outputOf(config)));
    }

    record Exit(int code, String output) {
    }

    static Path writeConfig(Path folder, String yaml) {
        try {
            Path file = Files.createTempFile(folder, "server-", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Process launch(Path config, Map<String, String> environment) {
        if (!Files.exists(JAR)) {
            throw new AssertionError(JAR.toAbsolutePath() + " is missing: the end-to-end tests run after package (./mvnw verify)");
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "--config", config.toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("MAILROOM_"));
        builder.environment().put("MAILROOM_ADMIN_TOKEN", TOKEN);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(outputOf(config).toFile());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path outputOf(Path config) {
        return config.resolveSibling(config.getFileName() + ".log");
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri() {
        return uri;
    }

    String output() {
        return read(output);
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri.resolve(path)).GET(), TOKEN);
    }

    HttpResponse<String> get(String path, String token) {
        return send(HttpRequest.newBuilder(uri.resolve(path)).GET(), token);
    }

    HttpResponse<String> post(String path, String body) {
        return post(path, body, TOKEN);
    }

    HttpResponse<String> post(String path, String body, String token) {
        return send(HttpRequest.newBuilder(uri.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    HttpResponse<String> send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JSON of a GET that must answer 200. */
    JsonNode json(String path) {
        return json(get(path), 200);
    }

    static JsonNode json(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + " from " + response.uri() + " but got " + response.statusCode()
                    + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** SIGTERM, then the exit code (the server must stop within a minute). */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within 60 s after SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
