package io.exprun.server.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The EXPRUN_DB_* variables of a server run as its own process ({@link ServerProcess}) on a fresh database. */
public final class ProcessDatabase {

    private ProcessDatabase() {}

    /** {@code kind} "sqlite": a file in {@code dir}; "postgres": a fresh PostgreSQL database ({@link Postgres}). */
    public static Map<String, String> env(String kind, Path dir) {
        Map<String, String> env = new HashMap<>();
        if (kind.equals("postgres")) {
            Postgres.Db db = Postgres.freshDatabase();
            env.put("EXPRUN_DB_URL", db.url());
            env.put("EXPRUN_DB_USER", db.user());
            env.put("EXPRUN_DB_PASSWORD", db.password());
        } else if (kind.equals("sqlite")) {
            env.put("EXPRUN_DB_URL", "jdbc:sqlite:" + dir.resolve("exprun.db"));
        } else {
            throw new IllegalArgumentException(kind);
        }
        return env;
    }
}
