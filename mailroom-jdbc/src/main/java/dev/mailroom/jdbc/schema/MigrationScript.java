package dev.mailroom.jdbc.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/** One versioned script, Flyway-named ({@code V<version>__<description>.sql}), with placeholders. */
record MigrationScript(int version, String description, String template) {

    private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

    /** Reads {@code migrations.list} in {@code folder} and every script it names, in version order. */
    static List<MigrationScript> load(String folder) {
        ClassLoader loader = MigrationScript.class.getClassLoader();
        List<MigrationScript> scripts = new ArrayList<>();
        for (String line : read(loader, folder + "migrations.list").split("\n")) {
            String name = line.trim();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            Matcher matcher = NAME.matcher(name);
            if (!matcher.matches()) {
                throw new MigrationException("Migration script name '" + name + "' in " + folder
                        + " does not follow V<version>__<description>.sql");
            }
            scripts.add(new MigrationScript(Integer.parseInt(matcher.group(1)), matcher.group(2).replace('_', ' '),
                    read(loader, folder + name)));
        }
        scripts.sort(Comparator.comparingInt(MigrationScript::version));
        return List.copyOf(scripts);
    }

    /** The script with every {@code ${name}} replaced; an unknown placeholder is an error. */
    String render(Map<String, String> placeholders) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder rendered = new StringBuilder();
        while (matcher.find()) {
            String value = placeholders.get(matcher.group(1));
            if (value == null) {
                throw new MigrationException("Script V" + version + " uses unknown placeholder " + matcher.group());
            }
            matcher.appendReplacement(rendered, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(rendered);
        return rendered.toString();
    }

    /**
     * The statements of a rendered script, for a database that runs one per call: split where a
     * line ends with {@code ;}; comment-only lines are dropped. Scripts for such databases keep
     * every statement's closing {@code ;} at a line's end and no {@code ;} ending a line inside one.
     */
    static List<String> statements(String rendered) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : rendered.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    static long checksum(String rendered) {
        CRC32 crc = new CRC32();
        crc.update(rendered.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new MigrationException("Migration resource " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MigrationException("Could not read migration resource " + resource, e);
        }
    }
}
