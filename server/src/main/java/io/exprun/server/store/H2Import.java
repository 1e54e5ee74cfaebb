package io.exprun.server.store;

import io.exprun.server.config.Dialect;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data directory written by exprun 0.1, whose embedded database was H2 ({@code exprun.mv.db}), is imported into
 * SQLite at the first start of this version, so months of runs and the idempotency keys still within their 24 hours
 * come along. The import builds a complete SQLite file beside the target and moves it into place only when every
 * row is in: a failed or interrupted import leaves no half-filled database, and the next start tries again. The H2
 * file is kept, renamed {@code exprun.mv.db.imported}, for the operator to delete.
 */
final class H2Import {

    private static final Logger log = LoggerFactory.getLogger(H2Import.class);
    /** In dependency order: results reference runs. */
    private static final List<String> TABLES = List.of("runs", "results", "idempotency_keys");

    private static final int BATCH = 1_000;

    private H2Import() {}

    /** The H2 file exprun 0.1 would have kept beside {@code sqliteFile}: {@code exprun.db} ↔ {@code exprun.mv.db}. */
    static Path h2FileBeside(Path sqliteFile) {
        String name = sqliteFile.getFileName().toString();
        String base = name.endsWith(".db") ? name.substring(0, name.length() - 3) : name;
        return sqliteFile.resolveSibling(base + ".mv.db");
    }

    /** Imports the H2 database beside {@code sqliteFile} when there is one and no SQLite database yet. */
    static void ifNeeded(Path sqliteFile, String sqliteUrl) {
        Path h2 = h2FileBeside(sqliteFile);
        if (Files.exists(sqliteFile) || !Files.exists(h2)) {
            return;
        }
        Path building = sqliteFile.resolveSibling(sqliteFile.getFileName() + ".importing");
        try {
            deleteWithJournal(building);
            String h2Url = "jdbc:h2:file:"
                    + h2.toString().substring(0, h2.toString().length() - ".mv.db".length()) + ";ACCESS_MODE_DATA=r";
            long rows = 0;
            SqliteDataSource target = new SqliteDataSource("jdbc:sqlite:" + building);
            Flyway.configure()
                    .dataSource(target)
                    .locations(Database.migrations(Dialect.SQLITE))
                    .load()
                    .migrate();
            try (Connection from = DriverManager.getConnection(h2Url, "", "");
                    Connection to = target.getConnection()) {
                to.setAutoCommit(false);
                for (String table : TABLES) {
                    rows += copy(from, to, table);
                }
                to.commit();
            }
            // closing the last connection checkpoints the WAL into the file and removes it: the file holds every row
            if (Files.exists(building.resolveSibling(building.getFileName() + "-wal"))) {
                throw new IOException("the imported database's WAL was not checkpointed into " + building);
            }
            deleteWithJournal(sqliteFile);
            Files.move(building, sqliteFile, StandardCopyOption.ATOMIC_MOVE);
            Files.move(h2, h2.resolveSibling(h2.getFileName() + ".imported"), StandardCopyOption.ATOMIC_MOVE);
            log.info(
                    "imported {} rows from exprun 0.1's H2 database {} into {} (the H2 file is kept as {}.imported)",
                    rows,
                    h2,
                    sqliteUrl,
                    h2.getFileName());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "importing exprun 0.1's H2 database " + h2 + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long copy(Connection from, Connection to, String table) throws SQLException {
        // the columns both have: those added after exprun 0.1 (row_version, V8) take their defaults
        java.util.Set<String> source = new java.util.HashSet<>();
        try (ResultSet rs = from.getMetaData().getColumns(null, null, table.toUpperCase(java.util.Locale.ROOT), null)) {
            while (rs.next()) {
                source.add(rs.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT));
            }
        }
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = to.getMetaData().getColumns(null, null, table, null)) {
            while (rs.next()) {
                String column = rs.getString("COLUMN_NAME");
                if (source.contains(column.toLowerCase(java.util.Locale.ROOT))) {
                    columns.add(column);
                }
            }
        }
        String list = String.join(", ", columns);
        String marks = String.join(", ", columns.stream().map(c -> "?").toList());
        long copied = 0;
        try (Statement read = from.createStatement();
                ResultSet rs = read.executeQuery("SELECT " + list + " FROM " + table);
                PreparedStatement write =
                        to.prepareStatement("INSERT INTO " + table + " (" + list + ") VALUES (" + marks + ")")) {
            while (rs.next()) {
                for (int i = 1; i <= columns.size(); i++) {
                    write.setObject(i, rs.getObject(i));
                }
                write.addBatch();
                if (++copied % BATCH == 0) {
                    write.executeBatch();
                }
            }
            write.executeBatch();
        }
        return copied;
    }

    private static void deleteWithJournal(Path file) throws IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        }
    }
}
