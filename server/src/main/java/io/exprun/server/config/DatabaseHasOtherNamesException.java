package io.exprun.server.config;

import java.nio.file.Path;

/**
 * The embedded database file has more than one name (hard links). Another exprun could be using it under another
 * name, where no lock of this one's can be seen, and SQLite keeps a journal per name, so two processes would write it
 * through two journals and corrupt it (sqlite.org/howtocorrupt.html, "Multiple links to the same file").
 */
public final class DatabaseHasOtherNamesException extends IllegalStateException {

    private final Path database;
    private final int names;

    public DatabaseHasOtherNamesException(Path database, int names) {
        super("the SQLite database " + database + " has " + names + " names (hard links)");
        this.database = database;
        this.names = names;
    }

    public Path database() {
        return database;
    }

    public int names() {
        return names;
    }
}
