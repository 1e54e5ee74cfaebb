package io.exprun.server.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The two databases exprun runs on, told apart once, from the JDBC URL: SQLite, the embedded default (one process
 * owns one file, see {@code store/SqliteDataSource}), and PostgreSQL, shared by several instances. Everything that
 * differs between them is decided here or in their vendor migrations ({@code db/vendor/<vendor>}); the store's SQL is
 * the same.
 */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private static final String SQLITE_PREFIX = "jdbc:sqlite:";

    private final String vendor;

    Dialect(String vendor) {
        this.vendor = vendor;
    }

    /** Throws IllegalArgumentException for any other URL: there is no third dialect to fall back on. */
    public static Dialect of(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.startsWith(SQLITE_PREFIX)) {
            return SQLITE;
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("not a database exprun runs on: use jdbc:sqlite:<file> (embedded, the "
                + "default) or jdbc:postgresql://<host>/<database>");
    }

    /** The name of this database's own migrations' folder, {@code db/vendor/<vendor>}, beside the common ones. */
    public String vendor() {
        return vendor;
    }

    /**
     * The database file of a {@code jdbc:sqlite:} URL ({@code jdbc:sqlite:path}, {@code jdbc:sqlite:file:path?…});
     * empty for PostgreSQL and for SQLite databases that are no file of their own: in memory ({@code :memory:}
     * anywhere, {@code mode=memory}), a temporary one (no name), a resource in the jar.
     */
    public static Optional<Path> sqliteFile(String jdbcUrl) {
        if (of(jdbcUrl) != SQLITE) {
            return Optional.empty();
        }
        String rest = jdbcUrl.substring(SQLITE_PREFIX.length());
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        int query = rest.indexOf('?');
        String parameters = query >= 0 ? rest.substring(query + 1).toLowerCase(Locale.ROOT) : "";
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        if (rest.isEmpty()
                || rest.contains(":memory:")
                || rest.startsWith(":resource:")
                || ("&" + parameters).contains("&mode=memory")) {
            return Optional.empty();
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1);
        }
        return Optional.of(Path.of(rest).toAbsolutePath().normalize());
    }
}
