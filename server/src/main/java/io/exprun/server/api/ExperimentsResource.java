package io.exprun.server.api;

import io.exprun.server.auth.BearerAuthFilter;
import io.exprun.server.domain.ExperimentQuery;
import io.exprun.server.domain.ExperimentService;
import io.exprun.server.generated.api.ExperimentsApi;
import io.exprun.server.generated.model.CreateExperimentRequest;
import io.exprun.server.generated.model.UpdateExperimentRequest;
import io.exprun.server.generated.model.WorkflowExperiment;
import io.exprun.server.generated.model.WorkflowExperimentList;
import io.exprun.server.store.StoredForms;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

/** The experiments operations of the generated interface (paths, media types and constraints come from the spec). */
public final class ExperimentsResource implements ExperimentsApi {

    private final ExperimentService experiments;
    private final ExperimentMapper mapper;

    @Context
    private SecurityContext security;

    public ExperimentsResource(ExperimentService experiments, StoredForms forms) {
        this.experiments = experiments;
        this.mapper = new ExperimentMapper(forms);
    }

    /** With a key, the body's fingerprint (its canonical JSON, hashed) decides whether a repeat is a retry. */
    @Override
    public WorkflowExperiment createExperiment(CreateExperimentRequest request, String idempotencyKey) {
        if (idempotencyKey == null) {
            return mapper.experiment(experiments.create(tenant(), mapper.newExperiment(request)));
        }
        return mapper.experiment(experiments.createOnce(
                tenant(), idempotencyKey, RequestFingerprint.of(request), mapper.newExperiment(request)));
    }

    @Override
    public WorkflowExperiment getExperiment(String experimentId) {
        return mapper.experiment(experiments.get(tenant(), experimentId));
    }

    @Override
    public WorkflowExperimentList listExperiments(
            String workflowId, String blockId, String before, String after, Integer limit, String order) {
        var page = new RequestChecks().page(before, after, limit, order);
        return mapper.list(experiments.list(tenant(), new ExperimentQuery(workflowId, blockId, page)));
    }

    @Override
    public WorkflowExperiment updateExperiment(String experimentId, UpdateExperimentRequest request) {
        return mapper.experiment(experiments.update(tenant(), experimentId, mapper.changes(request)));
    }

    @Override
    public void deleteExperiment(String experimentId) {
        experiments.delete(tenant(), experimentId);
    }

    private String tenant() {
        return BearerAuthFilter.tenantOf(security);
    }
}
