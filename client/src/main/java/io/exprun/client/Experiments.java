package io.exprun.client;

import io.exprun.client.generated.model.CreateExperimentRequest;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import io.exprun.client.generated.model.WorkflowExperimentList;
import io.exprun.client.generated.rules.ErrorCode;
import java.util.UUID;

/**
 * Experiments, {@code client.workflows().experiments()}: create, get, list, update, delete; and their runs
 * ({@link #runs()}) and results ({@link #results()}), as in Retab's SDK.
 */
public final class Experiments {

    private final Transport transport;
    private final ExperimentRuns runs;
    private final ExperimentResults results;

    Experiments(Transport transport) {
        this.transport = transport;
        this.runs = new ExperimentRuns(transport);
        this.results = new ExperimentResults(transport);
    }

    public ExperimentRuns runs() {
        return runs;
    }

    public ExperimentResults results() {
        return results;
    }

    public WorkflowExperiment create(CreateExperimentRequest request) {
        return create(request, RequestOptions.none());
    }

    /** Retried under one {@code Idempotency-Key} (the options' or a fresh one), as runs are created. */
    public WorkflowExperiment create(CreateExperimentRequest request, RequestOptions options) {
        String key = options.idempotencyKey() != null
                ? options.idempotencyKey()
                : UUID.randomUUID().toString();
        return transport.call(
                "create experiment", options, null, () -> transport.experimentsApi.createExperiment(request, key));
    }

    /** @throws ExprunNotFoundException {@code experiment_not_found} (also for another tenant's experiment) */
    public WorkflowExperiment get(String experimentId) {
        return transport.call("get experiment", () -> transport.experimentsApi.getExperiment(experimentId));
    }

    /** The experiment with its ETag (for {@code If-Match}); with {@code options.ifNoneMatch()}, a 304 while unchanged. */
    public ExprunResponse<WorkflowExperiment> getWithResponse(String experimentId, RequestOptions options) {
        return transport.response(
                "get experiment",
                options,
                () -> transport.experimentsApi.getExperimentWithHttpInfo(experimentId, options.ifNoneMatch()));
    }

    /** Every experiment matching the query, fetched page by page as it is iterated. */
    public AutoPagingIterable<WorkflowExperiment> list(ExperimentQuery q) {
        return new AutoPagingIterable<>(after -> {
            WorkflowExperimentList page = page(q, after);
            return new AutoPagingIterable.Page<>(
                    page.getData(), page.getListMetadata().getAfter());
        });
    }

    public AutoPagingIterable<WorkflowExperiment> list() {
        return list(ExperimentQuery.all());
    }

    /** One page; {@code after} is the previous page's {@code list_metadata.after} (null: the first page). */
    public WorkflowExperimentList page(ExperimentQuery q, String after) {
        return transport.call(
                "list experiments",
                () -> transport.experimentsApi.listExperiments(
                        q.workflowId(), q.blockId(), null, after, q.pageSize(), q.order()));
    }

    /** Changes the fields the request names (documents given replace the experiment's); runs made keep theirs. */
    public WorkflowExperiment update(String experimentId, UpdateExperimentRequest changes) {
        return update(experimentId, changes, RequestOptions.none());
    }

    /** @throws ExprunPreconditionFailedException with {@code options.ifMatch()}, when it changed since that ETag */
    public WorkflowExperiment update(String experimentId, UpdateExperimentRequest changes, RequestOptions options) {
        return updateWithResponse(experimentId, changes, options).value().orElseThrow();
    }

    /** As {@link #update(String, UpdateExperimentRequest, RequestOptions)}, with the experiment's new ETag. */
    public ExprunResponse<WorkflowExperiment> updateWithResponse(
            String experimentId, UpdateExperimentRequest changes, RequestOptions options) {
        return transport.response(
                "update experiment",
                options,
                () -> transport.experimentsApi.updateExperimentWithHttpInfo(experimentId, changes, options.ifMatch()));
    }

    public void delete(String experimentId) {
        delete(experimentId, RequestOptions.none());
    }

    /**
     * Deletes the experiment; its finished runs and their results stay. A retry that finds it gone counts as done
     * (an earlier attempt that got no answer deleted it), as a retried cancel does.
     *
     * @throws ExprunConflictException while one of its runs is active ({@link ExprunConflictException#runId()}:
     *                                 cancel it, then delete again)
     * @throws ExprunNotFoundException {@code experiment_not_found}, answered to the first attempt
     * @throws ExprunPreconditionFailedException with {@code options.ifMatch()}, when it changed since that ETag
     */
    public void delete(String experimentId, RequestOptions options) {
        int[] attempts = {0};
        try {
            transport.call("delete experiment", options, null, () -> {
                attempts[0]++;
                transport.experimentsApi.deleteExperiment(experimentId, options.ifMatch());
                return null;
            });
        } catch (ExprunNotFoundException e) {
            if (attempts[0] == 1
                    || !e.code()
                            .filter(ErrorCode.EXPERIMENT_NOT_FOUND.wire()::equals)
                            .isPresent()) {
                throw e;
            }
        }
    }
}
