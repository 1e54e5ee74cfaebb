package io.exprun.server.store;

import static io.exprun.server.store.Rows.ACTIVE;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import io.exprun.server.config.Dialect;
import io.exprun.server.domain.ChangedSinceRead;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.ExperimentQuery;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.port.ExperimentStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link ExperimentStore} over the {@code experiments} table (migration V7), on SQLite and PostgreSQL alike. An
 * experiment's newest run is read with it, from the runs' (tenant, experiment_id, created_at, id) index (V5). A
 * delete and a run's creation exclude each other through the experiment's row: see {@link #delete} and
 * {@link JdbiRunStore#insertRun}.
 *
 * <p>Over 250 lines because it is the whole of one port: the conditional update and delete share the row lock with a
 * run's creation, stated here once.
 */
public final class JdbiExperimentStore implements ExperimentStore {

    private static final String COLUMNS = "e.tenant, e.id, e.workflow_id, e.workflow_version_id, e.block_id, "
            + "e.block_name, e.block_type, e.n_consensus, e.name, e.documents, e.documents_as_given, e.created_at, "
            + "e.updated_at, e.row_version, (SELECT r.id FROM runs r WHERE r.tenant = e.tenant AND r.experiment_id = e.id "
            + "ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS last_run_id";

    private static final TypeReference<List<StoredDocument>> DOCUMENTS = new TypeReference<>() {};

    private final SqlRunner sql;
    private final StoredForms forms;

    public JdbiExperimentStore(SqlRunner sql, StoredForms forms) {
        this.sql = sql;
        this.forms = forms;
    }

    /** A document as the {@code documents} column keeps it. */
    record StoredDocument(
            @JsonProperty("id") String id,
            @JsonProperty("filename") String filename,
            @JsonProperty("mime_type") String mimeType) {}

    @Override
    public boolean insertIfAbsent(String tenant, Experiment e) {
        try {
            sql.write(h -> insert(h, tenant, e));
            return true;
        } catch (StoreException failure) {
            if (failure.duplicateKey()) {
                return false;
            }
            throw failure;
        }
    }

    @Override
    public int seed(String tenant, List<Experiment> catalog) {
        int added = 0;
        for (Experiment e : catalog) {
            try {
                // one transaction each: on PostgreSQL a refused row ends its transaction, and another instance
                // seeding at the same moment is refused by the marker's primary key
                sql.write(h -> {
                    h.createUpdate("INSERT INTO catalog_seeded (tenant, id) VALUES (:tenant, :id)")
                            .bind("tenant", tenant)
                            .bind("id", e.id())
                            .execute();
                    return insert(h, tenant, e);
                });
                added++;
            } catch (StoreException failure) {
                if (!failure.duplicateKey()) {
                    throw failure;
                }
            }
        }
        return added;
    }

    private int insert(Handle h, String tenant, Experiment e) {
        return bindSettings(
                        h.createUpdate("INSERT INTO experiments (tenant, id, workflow_id, workflow_version_id, "
                                + "block_id, block_name, block_type, n_consensus, name, documents, documents_as_given, "
                                + "created_at, updated_at) VALUES (:tenant, :id, :workflowId, :workflowVersionId, "
                                + ":blockId, :blockName, :blockType, :nConsensus, :name, :documents, :asGiven, "
                                + ":createdAt, :updatedAt)"),
                        tenant,
                        e)
                .bind("workflowId", e.workflowId())
                .bind("workflowVersionId", e.workflowVersionId())
                .bind("blockId", e.blockId())
                .bind("blockName", e.blockName())
                .bind("blockType", e.blockType())
                .bind("createdAt", e.createdAt().toEpochMilli())
                .execute();
    }

    /** The settings an update may change, with the row's key. */
    private Update bindSettings(Update update, String tenant, Experiment e) {
        return update.bind("tenant", tenant)
                .bind("id", e.id())
                .bind("nConsensus", e.nConsensus())
                .bind("name", e.name())
                .bind("documents", toJson(e.documents()))
                .bind("asGiven", e.documentsAsGiven())
                .bind("updatedAt", e.updatedAt().toEpochMilli());
    }

    @Override
    public Optional<Experiment> find(String tenant, String experimentId) {
        return sql.read(h -> find(h, tenant, experimentId));
    }

    private Optional<Experiment> find(Handle h, String tenant, String experimentId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM experiments e WHERE e.tenant = :tenant AND e.id = :id")
                .bind("tenant", tenant)
                .bind("id", experimentId)
                .map((rs, ctx) -> experiment(rs))
                .findOne();
    }

    /**
     * Holds the experiment's row for the rest of the transaction, then checks it against {@code expected}: on
     * PostgreSQL the lock waits for runs of it being created (they hold the row shared), and the read after it, a
     * statement of its own, sees them. On SQLite the write transaction is the lock.
     *
     * @return false when the experiment does not exist
     * @throws ChangedSinceRead when it exists and does not pass {@code expected}
     */
    private boolean holdAsExpected(Handle h, String tenant, String experimentId, Predicate<Experiment> expected) {
        if (sql.dialect() == Dialect.POSTGRESQL) {
            h.createQuery("SELECT 1 FROM experiments WHERE tenant = :tenant AND id = :id FOR UPDATE")
                    .bind("tenant", tenant)
                    .bind("id", experimentId)
                    .mapTo(Integer.class)
                    .findOne();
        }
        Optional<Experiment> current = find(h, tenant, experimentId);
        if (current.isPresent() && !expected.test(current.get())) {
            throw new ChangedSinceRead(current.get());
        }
        return current.isPresent();
    }

    @Override
    public Page<Experiment> list(String tenant, ExperimentQuery q) {
        PageRequest p = q.page();
        return sql.read(h -> {
            String cursorId = KeysetPage.cursorId(p);
            Optional<Long> createdAt = cursorId == null
                    ? Optional.empty()
                    : KeysetPage.sortKey(h, "experiments", "created_at", cursorId, tenant);
            if (cursorId != null && createdAt.isEmpty()) {
                return new Page<>(List.of(), null, null); // an unknown cursor points nowhere
            }
            ListSql.Statement statement = ListSql.experiments(COLUMNS, tenant, q, createdAt.orElse(null));
            return KeysetPage.read(h, statement, p, (rs, ctx) -> experiment(rs), Experiment::id);
        });
    }

    /** The update and the experiment it leaves (its new version, bumped by migration V8's trigger), in one transaction. */
    @Override
    public Optional<Experiment> update(String tenant, Experiment changed, Predicate<Experiment> expected) {
        return sql.write(h -> {
            if (expected != null && !holdAsExpected(h, tenant, changed.id(), expected)) {
                return Optional.empty();
            }
            int updated = bindSettings(
                            h.createUpdate("UPDATE experiments SET n_consensus = :nConsensus, name = :name, "
                                    + "documents = :documents, documents_as_given = :asGiven, "
                                    + "updated_at = :updatedAt WHERE tenant = :tenant AND id = :id"),
                            tenant,
                            changed)
                    .execute();
            return updated == 1 ? find(h, tenant, changed.id()) : Optional.<Experiment>empty();
        });
    }

    /**
     * The row first, then the runs: the delete holds the experiment's row while it looks for an active run, so a run
     * being created now (which holds the row shared on PostgreSQL, and is serialized with it on SQLite) is either
     * committed and seen, or finds the experiment gone. A delete that finds an active run is rolled back.
     */
    @Override
    public Deletion delete(String tenant, String experimentId, Predicate<Experiment> expected) {
        return sql.write(h -> {
            if (expected != null && !holdAsExpected(h, tenant, experimentId, expected)) {
                return new Deletion.NotFound();
            }
            if (h.createUpdate("DELETE FROM experiments WHERE tenant = :tenant AND id = :id")
                            .bind("tenant", tenant)
                            .bind("id", experimentId)
                            .execute()
                    == 0) {
                return new Deletion.NotFound();
            }
            Optional<Deletion.ActiveRun> active = h.createQuery("SELECT id, status FROM runs WHERE tenant = :tenant "
                            + "AND experiment_id = :id AND status IN " + ACTIVE + " ORDER BY created_at DESC, id DESC")
                    .bind("tenant", tenant)
                    .bind("id", experimentId)
                    .setMaxRows(1)
                    .map((rs, ctx) ->
                            new Deletion.ActiveRun(rs.getString("id"), LifecycleStatus.parse(rs.getString("status"))))
                    .findFirst();
            if (active.isPresent()) {
                throw SqlRunner.undo(active.get());
            }
            h.createUpdate("DELETE FROM experiment_idempotency_keys WHERE tenant = :tenant AND experiment_id = :id")
                    .bind("tenant", tenant)
                    .bind("id", experimentId)
                    .execute();
            return new Deletion.Deleted();
        });
    }

    /**
     * Holds the tenant's experiment for the rest of the caller's transaction (shared: runs of it may be created
     * together; a delete waits, see {@link #delete}); false when it does not exist. On SQLite the write transaction
     * itself is the lock.
     */
    static boolean holdExperiment(Handle h, Dialect dialect, String tenant, String experimentId) {
        return h.createQuery("SELECT 1 FROM experiments WHERE tenant = :tenant AND id = :id"
                        + (dialect == Dialect.POSTGRESQL ? " FOR SHARE" : ""))
                .bind("tenant", tenant)
                .bind("id", experimentId)
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
    }

    private Experiment experiment(ResultSet rs) throws SQLException {
        return new Experiment(
                rs.getString("id"),
                rs.getString("workflow_id"),
                rs.getString("workflow_version_id"),
                rs.getString("block_id"),
                rs.getString("block_name"),
                rs.getString("block_type"),
                rs.getInt("n_consensus"),
                rs.getString("name"),
                fromJson(rs.getString("documents")),
                rs.getString("documents_as_given"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")),
                rs.getString("last_run_id"),
                rs.getLong("row_version"));
    }

    private String toJson(List<Experiment.Document> documents) {
        return forms.write(documents.stream()
                .map(d -> new StoredDocument(d.id(), d.filename(), d.mimeType()))
                .toList());
    }

    private List<Experiment.Document> fromJson(String text) {
        return forms.read(text, DOCUMENTS).stream()
                .map(d -> new Experiment.Document(d.id(), d.filename(), d.mimeType()))
                .toList();
    }
}
