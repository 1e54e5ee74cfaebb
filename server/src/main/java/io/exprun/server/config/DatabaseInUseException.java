package io.exprun.server.config;

import java.nio.file.Path;

/** Another exprun process holds the embedded database: the data directory is in use. */
public final class DatabaseInUseException extends IllegalStateException {

    private final Path database;

    public DatabaseInUseException(Path database) {
        super("the SQLite database " + database + " is in use by another exprun process");
        this.database = database;
    }

    public Path database() {
        return database;
    }
}
