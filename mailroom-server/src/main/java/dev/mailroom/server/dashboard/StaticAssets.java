package dev.mailroom.server.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** The dashboard's stylesheet and script, read once from the jar. */
final class StaticAssets {

    static final String PATH = Layout.ROOT + "/static/";
    private static final Map<String, String> TYPES = Map.of(
            "dashboard.css", "text/css; charset=utf-8", "dashboard.js", "text/javascript; charset=utf-8");

    private final Map<String, View> files;

    StaticAssets() {
        Map<String, View> loaded = new java.util.HashMap<>();
        TYPES.forEach((name, type) -> loaded.put(name, new View(200, type, read(name), null, null)));
        files = Map.copyOf(loaded);
    }

    Optional<View> get(String name) {
        return Optional.ofNullable(files.get(name));
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("The dashboard's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
