package dev.baton.backend.jdbc;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The lease table's schema and name, validated so they can be quoted into SQL safely: configuration never reaches a
 * statement unchecked.
 *
 * @param schema the schema (PostgreSQL) or database (MariaDB); empty means the dialect's default
 * @param table the table
 */
public record TableName(Optional<String> schema, String table) {

    /** What a valid identifier looks like, for error messages. */
    public static final String VALID_IDENTIFIER =
            "a lower-case SQL identifier: a letter or _, then letters, digits or _, at most 63 characters";

    /** The default table name. */
    public static final String DEFAULT_TABLE = "baton_leases";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /**
     * @throws IllegalArgumentException when a part is not a valid identifier
     */
    public TableName {
        Objects.requireNonNull(schema, "schema");
        schema.ifPresent(TableName::requireIdentifier);
        requireIdentifier(table);
    }

    /**
     * @param candidate a schema or table name from configuration
     * @return true when it can be used as an identifier
     */
    public static boolean isValidIdentifier(String candidate) {
        return candidate != null && IDENTIFIER.matcher(candidate).matches();
    }

    private static void requireIdentifier(String candidate) {
        if (!isValidIdentifier(candidate)) {
            throw new IllegalArgumentException("'" + candidate + "' is not " + VALID_IDENTIFIER);
        }
    }

    /**
     * @param dialect the dialect quoting the parts and naming the default schema
     * @return the quoted, possibly schema-qualified name for SQL
     */
    String sql(Dialect dialect) {
        Optional<String> s = schema.or(dialect::defaultSchema);
        return s.map(x -> dialect.quote(x) + ".").orElse("") + dialect.quote(table);
    }

    /**
     * @param currentSchema the schema the connection uses when none is configured
     * @return {@code schema.table} for messages
     */
    String display(String currentSchema) {
        return schema.orElse(currentSchema) + "." + table;
    }
}
