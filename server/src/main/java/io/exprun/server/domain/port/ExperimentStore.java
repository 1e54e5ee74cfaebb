package io.exprun.server.domain.port;

import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.ExperimentQuery;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The port through which the domain keeps a tenant's experiments. Reads take the tenant: another tenant's experiments
 * are invisible. Experiments read through it carry their newest run's id.
 */
public interface ExperimentStore {

    /** Inserts a new experiment, unless one with its id exists already for the tenant: then false. */
    boolean insertIfAbsent(String tenant, Experiment experiment);

    /**
     * The catalog's experiments become the tenant's, each at most once ever: one the tenant deleted is not brought
     * back by the next start. Returns how many were added.
     */
    int seed(String tenant, List<Experiment> catalog);

    Optional<Experiment> find(String tenant, String experimentId);

    Page<Experiment> list(String tenant, ExperimentQuery query);

    /**
     * Replaces the experiment's row with {@code changed}: when {@code expected} is given, only if the experiment as it
     * is when its row is held (after any concurrent change or run of it committed) passes it, else nothing changes and
     * {@link io.exprun.server.domain.ChangedSinceRead} says what it now is.
     *
     * @param expected null: whatever the experiment now is
     * @return the experiment as it now is (its new version, its newest run); empty when it no longer exists
     */
    Optional<Experiment> update(String tenant, Experiment changed, Predicate<Experiment> expected);

    /** What a delete did. */
    sealed interface Deletion {
        record Deleted() implements Deletion {}

        record NotFound() implements Deletion {}

        /** Nothing was deleted: this run of the experiment is still pending, queued or running. */
        record ActiveRun(String runId, LifecycleStatus status) implements Deletion {}
    }

    /**
     * Deletes the experiment (and frees the Idempotency-Keys that created it), unless one of its runs is still
     * active. A run being created at the same moment either sees the experiment gone or holds it until the run is
     * committed, and then the delete sees that run. With {@code expected}, as for {@link #update}: deleted only if
     * the experiment as it is when held passes it, else {@link io.exprun.server.domain.ChangedSinceRead}.
     *
     * @param expected null: whatever the experiment now is
     */
    Deletion delete(String tenant, String experimentId, Predicate<Experiment> expected);
}
