package io.exprun.server.api;

import io.exprun.server.auth.BearerAuthFilter;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.RunService;
import io.exprun.server.generated.api.ExperimentResultsApi;
import io.exprun.server.generated.model.ExperimentResult;
import io.exprun.server.generated.model.ExperimentResultList;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import org.glassfish.jersey.server.ContainerRequest;

/** The experiment-results operations of the generated interface. */
public final class ExperimentResultsResource implements ExperimentResultsApi {

    private final RunService runs;
    private final ModelMapper mapper;

    @Context
    private SecurityContext security;

    /** The request being served (the resources are singletons: a provider, resolved on the request's thread). */
    @Inject
    private Provider<ContainerRequest> requests;

    public ExperimentResultsResource(RunService runs, ModelMapper mapper) {
        this.runs = runs;
        this.mapper = mapper;
    }

    @Override
    public ExperimentResult getExperimentResult(String resultId, String ifNoneMatch) {
        Result result = runs.getResult(tenant(), resultId);
        EntityTags.answer(EntityTags.slot(requests.get()), ifNoneMatch, EntityTags.of(result));
        return mapper.result(result);
    }

    @Override
    public ExperimentResultList listExperimentResults(
            String runId, String before, String after, Integer limit, String order) {
        var page = new RequestChecks().page(before, after, limit, order);
        return mapper.results(runs.listResults(tenant(), runId, page));
    }

    private String tenant() {
        return BearerAuthFilter.tenantOf(security);
    }
}
