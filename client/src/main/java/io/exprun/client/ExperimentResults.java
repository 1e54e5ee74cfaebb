package io.exprun.client;

import io.exprun.client.generated.model.ExperimentResult;
import io.exprun.client.generated.model.ExperimentResultList;

/** The per-document results of experiment runs, {@code client.workflows().experiments().results()}. */
public final class ExperimentResults {

    private final Transport transport;

    ExperimentResults(Transport transport) {
        this.transport = transport;
    }

    /** @throws ExprunNotFoundException {@code result_not_found} (also for another tenant's result) */
    public ExperimentResult get(String resultId) {
        return transport.call("get result", () -> transport.resultsApi.getExperimentResult(resultId));
    }

    /** The result with its ETag; with {@code options.ifNoneMatch()}, a 304 without a body while it still matches. */
    public ExprunResponse<ExperimentResult> getWithResponse(String resultId, RequestOptions options) {
        return transport.response(
                "get result",
                options,
                () -> transport.resultsApi.getExperimentResultWithHttpInfo(resultId, options.ifNoneMatch()));
    }

    /** Every result of the run, in document order, fetched page by page as it is iterated. */
    public AutoPagingIterable<ExperimentResult> list(String runId) {
        return new AutoPagingIterable<>(after -> {
            ExperimentResultList page = page(runId, after, 100);
            return new AutoPagingIterable.Page<>(
                    page.getData(), page.getListMetadata().getAfter());
        });
    }

    /** One page of the run's results, in document order; {@code after} as given by the previous page (null: first). */
    public ExperimentResultList page(String runId, String after, Integer pageSize) {
        return transport.call(
                "list results", () -> transport.resultsApi.listExperimentResults(runId, null, after, pageSize, "asc"));
    }
}
