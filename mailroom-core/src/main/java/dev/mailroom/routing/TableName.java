package dev.mailroom.routing;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated, optionally schema-qualified table name. Only lowercase unquoted identifiers are
 * accepted, so the name can be spliced into SQL without quoting and means the same thing to every
 * tool that reads the schema. Index, trigger and constraint names are derived from {@link #name()},
 * which is kept short enough to leave room for their suffixes within PostgreSQL's 63-byte limit.
 */
public final class TableName {

    /** Longest table name (without schema); leaves room for suffixes such as {@code _pending_idx}. */
    public static final int MAX_NAME_LENGTH = 48;
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final String RULE =
            "use lowercase letters, digits and '_', start with a letter or '_', optionally prefixed by"
                    + " 'schema.'; the table part at most " + MAX_NAME_LENGTH + " characters";

    private final String schema;
    private final String name;

    private TableName(String schema, String name) {
        this.schema = schema;
        this.name = name;
    }

    /** Parses {@code table} or {@code schema.table}; throws {@link InvalidIdentifierException}. */
    public static TableName of(String qualifiedName) {
        if (qualifiedName == null) {
            throw new InvalidIdentifierException("Table name", "null", RULE);
        }
        String[] parts = qualifiedName.split("\\.", -1);
        if (parts.length > 2) {
            throw new InvalidIdentifierException("Table name", qualifiedName, RULE);
        }
        String schema = parts.length == 2 ? parts[0] : null;
        String name = parts[parts.length - 1];
        if (!isIdentifier(name, MAX_NAME_LENGTH) || (schema != null && !isIdentifier(schema, 63))) {
            throw new InvalidIdentifierException("Table name", qualifiedName, RULE);
        }
        return new TableName(schema, name);
    }

    static boolean isIdentifier(String candidate, int maxLength) {
        return candidate.length() <= maxLength && IDENTIFIER.matcher(candidate).matches();
    }

    /** The table name without its schema, used to derive index and trigger names. */
    public String name() {
        return name;
    }

    /** The name as written in SQL: {@code schema.table} or {@code table}. */
    public String qualified() {
        return schema == null ? name : schema + "." + name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TableName that
                && Objects.equals(schema, that.schema)
                && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, name);
    }

    @Override
    public String toString() {
        return qualified();
    }
}
