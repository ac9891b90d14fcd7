package dev.mailroom.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How a command prints what the server answered: {@code json} prints the answer as it came
 * (pretty, on stdout, nothing else there), {@code table} prints aligned columns for people.
 */
final class Output {

    enum Format { table, json }

    private static final int MAX_CELL = 60;

    private final Format format;
    private final PrintWriter out;

    Output(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    boolean json() {
        return format == Format.json;
    }

    /** Prints rows: as JSON the node itself; as a table one line per element with these columns. */
    void rows(JsonNode node, Columns columns) {
        if (json()) {
            print(node);
            return;
        }
        List<JsonNode> rows = new ArrayList<>();
        node.forEach(rows::add);
        List<String> headers = new ArrayList<>(columns.cells.keySet());
        List<List<String>> cells = new ArrayList<>();
        for (JsonNode row : rows) {
            List<String> line = new ArrayList<>();
            for (Function<JsonNode, String> cell : columns.cells.values()) {
                line.add(cut(cell.apply(row)));
            }
            cells.add(line);
        }
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = headers.get(i).length();
            for (List<String> line : cells) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        printLine(headers, widths);
        for (List<String> line : cells) {
            printLine(line, widths);
        }
        if (rows.isEmpty()) {
            out.println("(none)");
        }
        out.flush();
    }

    /** Prints one object: as JSON the node itself; as a table one "name: value" line per field. */
    void object(JsonNode node) {
        if (json()) {
            print(node);
            return;
        }
        node.fields().forEachRemaining(field -> out.println(field.getKey() + ": " + text(field.getValue())));
        out.flush();
    }

    /** A line for people; left out of JSON output (which holds only the answer). */
    void note(String line) {
        if (!json()) {
            out.println(line);
            out.flush();
        }
    }

    private void print(JsonNode node) {
        try {
            out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private void printLine(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", cells.get(i)));
        }
        out.println(line.toString().stripTrailing());
    }

    static String text(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String cut(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= MAX_CELL ? oneLine : oneLine.substring(0, MAX_CELL - 1) + "…";
    }

    /** The columns of a table: header and how to read the cell from a row. */
    static final class Columns {

        private final Map<String, Function<JsonNode, String>> cells = new LinkedHashMap<>();

        static Columns of() {
            return new Columns();
        }

        /** A column showing a field of the row as it is. */
        Columns field(String header, String field) {
            cells.put(header, row -> text(row.path(field)));
            return this;
        }

        Columns computed(String header, Function<JsonNode, String> cell) {
            cells.put(header, cell);
            return this;
        }
    }
}
