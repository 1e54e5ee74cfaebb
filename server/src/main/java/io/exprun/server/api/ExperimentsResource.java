package io.exprun.server.api;

import io.exprun.server.auth.BearerAuthFilter;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.ExperimentQuery;
import io.exprun.server.domain.ExperimentService;
import io.exprun.server.generated.api.ExperimentsApi;
import io.exprun.server.generated.model.CreateExperimentRequest;
import io.exprun.server.generated.model.UpdateExperimentRequest;
import io.exprun.server.generated.model.WorkflowExperiment;
import io.exprun.server.generated.model.WorkflowExperimentList;
import io.exprun.server.store.StoredForms;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import org.glassfish.jersey.server.ContainerRequest;

/** The experiments operations of the generated interface (paths, media types and constraints come from the spec). */
public final class ExperimentsResource implements ExperimentsApi {

    private final ExperimentService experiments;
    private final ExperimentMapper mapper;

    @Context
    private SecurityContext security;

    /** The request being served (the resources are singletons: a provider, resolved on the request's thread). */
    @Inject
    private Provider<ContainerRequest> requests;

    public ExperimentsResource(ExperimentService experiments, StoredForms forms) {
        this.experiments = experiments;
        this.mapper = new ExperimentMapper(forms);
    }

    /** With a key, the body's fingerprint (its canonical JSON, hashed) decides whether a repeat is a retry. */
    @Override
    public WorkflowExperiment createExperiment(CreateExperimentRequest body, String idempotencyKey) {
        if (idempotencyKey == null) {
            return tagged(experiments.create(tenant(), mapper.newExperiment(body)));
        }
        return tagged(experiments.createOnce(
                tenant(), idempotencyKey, RequestFingerprint.of(body), mapper.newExperiment(body)));
    }

    @Override
    public WorkflowExperiment getExperiment(String experimentId, String ifNoneMatch) {
        Experiment experiment = experiments.get(tenant(), experimentId);
        EntityTags.answer(EntityTags.slot(requests.get()), ifNoneMatch, EntityTags.of(experiment));
        return mapper.experiment(experiment);
    }

    @Override
    public WorkflowExperimentList listExperiments(
            String workflowId, String blockId, String before, String after, Integer limit, String order) {
        var page = new RequestChecks().page(before, after, limit, order);
        return mapper.list(experiments.list(tenant(), new ExperimentQuery(workflowId, blockId, page)));
    }

    /** With {@code If-Match}, changed only while the experiment still has that ETag (checked with its row held). */
    @Override
    public WorkflowExperiment updateExperiment(String experimentId, UpdateExperimentRequest body, String ifMatch) {
        return tagged(experiments.update(tenant(), experimentId, mapper.changes(body), EntityTags.ifMatch(ifMatch)));
    }

    @Override
    public void deleteExperiment(String experimentId, String ifMatch) {
        experiments.delete(tenant(), experimentId, EntityTags.ifMatch(ifMatch));
    }

    /** The experiment's answer, with its ETag. */
    private WorkflowExperiment tagged(Experiment experiment) {
        EntityTags.slot(requests.get()).set(EntityTags.of(experiment));
        return mapper.experiment(experiment);
    }

    private String tenant() {
        return BearerAuthFilter.tenantOf(security);
    }
}
