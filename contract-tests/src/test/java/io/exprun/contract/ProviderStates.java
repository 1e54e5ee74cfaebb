package io.exprun.contract;

import static io.exprun.server.testing.RunFixtures.TENANT_A;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junitsupport.State;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.ExperimentQuery;
import io.exprun.server.domain.ExperimentService;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.NewExperiment;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Run;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.store.JdbiExperimentStore;
import io.exprun.server.store.JdbiIdempotencyKeys;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.SimulatedBlockExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One method per provider state, each setting its state up through the real service and store (RunFixtures) of a
 * real server on H2, and returning the ids it created for the pact's provider-state expressions ({@code ${runId}},
 * {@code ${experimentId}}). Shared by the provider verifications (folder, broker) and their negative control, with the
 * server's lifecycle. States add to one server's database for a whole verification: none assumes it is alone.
 */
public abstract class ProviderStates {

    protected static final ResponseRecorder RECORDER = new ResponseRecorder();
    protected static TestServer server;

    /** The experiments' service and store over the server's own database, built as the server builds its own. */
    private static JdbiExperimentStore experimentStore;

    private static ExperimentService experiments;

    /** Starts the server under verification once per test class: no workers, so states stay as set up. */
    @BeforeAll
    static void startServer() {
        server = TestServer.start(TestServer.embeddedConfig(0), new SimulatedBlockExecutor(10, 0), List.of(RECORDER));
        var sql = server.server().database().sql();
        experimentStore = new JdbiExperimentStore(
                sql, io.exprun.server.store.StoredForms.forBodiesUpTo(JsonMapper.shared(), JsonMapper.MAX_BODY_BYTES));
        experiments = new ExperimentService(
                experimentStore,
                server.server().store(),
                JdbiIdempotencyKeys.ofExperiments(sql),
                Clock.tick(Clock.systemUTC(), Duration.ofMillis(1)));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Every interaction goes to the real server over loopback HTTP. */
    @BeforeEach
    void target(PactVerificationContext context) {
        context.setTarget(new HttpTestTarget("127.0.0.1", server.port()));
        RECORDER.drain();
    }

    private static RunFixtures fixtures() {
        return server.fixtures();
    }

    private static Map<String, Object> runId(Run run) {
        return Map.of("runId", run.id());
    }

    @State("a pending run exists")
    public Map<String, Object> aPendingRun() {
        return runId(fixtures().runIn(TENANT_A, LifecycleStatus.PENDING));
    }

    @State("a running run exists, with its ETag")
    public Map<String, Object> aRunningRunWithItsEtag() {
        Run run = fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
        return Map.of(
                "runId",
                run.id(),
                "etag",
                io.exprun.server.api.EntityTags.of(run).toString());
    }

    @State("a queued run exists")
    public Map<String, Object> aQueuedRun() {
        return runId(fixtures().runIn(TENANT_A, LifecycleStatus.QUEUED));
    }

    @State("a running run exists")
    public Map<String, Object> aRunningRun() {
        return runId(fixtures().running(TENANT_A, 1, true));
    }

    @State("two running runs exist")
    public Map<String, Object> twoRunningRuns() {
        fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
        return runId(fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING));
    }

    @State("a completed run exists")
    public Map<String, Object> aCompletedRun() {
        return runId(fixtures().runIn(TENANT_A, LifecycleStatus.COMPLETED));
    }

    @State("an error run exists")
    public Map<String, Object> anErrorRun() {
        Run run = fixtures().runIn(TENANT_A, LifecycleStatus.ERROR);
        String failed = server
                .server()
                .store()
                .listResults(TENANT_A, run.id(), new PageRequest(null, null, 100, false))
                .items()
                .stream()
                .filter(r -> r.status() == LifecycleStatus.ERROR)
                .findFirst()
                .orElseThrow()
                .id();
        return Map.of("runId", run.id(), "failedResultId", failed);
    }

    @State("a cancelled run with a reason exists")
    public Map<String, Object> aCancelledRunWithReason() {
        return runId(fixtures().cancelledRun(TENANT_A, "Cancelled by API request"));
    }

    @State("a cancelled run without a reason exists")
    public Map<String, Object> aCancelledRunWithoutReason() {
        return runId(fixtures().cancelledRun(TENANT_A, null));
    }

    @State("no run exprun_missing exists")
    public void noMissingRun() {
        if (server.server().store().findRun(TENANT_A, "exprun_missing").isPresent()) {
            throw new IllegalStateException("exprun_missing must not exist");
        }
    }

    @State("experiment exp_demo exists")
    public void demoExperiment() {
        // the demo catalog, loaded by every server, has it: nothing to set up
    }

    @State("no experiment exp_unknown exists")
    public void noUnknownExperiment() {
        // the demo catalog has no such experiment: nothing to set up
    }

    // ---- experiments (contract 0.2.0): the pact's example ids (exp_pact, exp_busy) stand for the ids made here ----

    /**
     * An experiment of tenant A, made through the experiments' service: the consumer's document ({@code doc_1},
     * invoice-001.pdf, a PDF file input) and any {@code moreDocuments}.
     */
    private static Experiment experiment(String workflowId, String name, String... moreDocuments) {
        List<Experiment.Document> documents = new ArrayList<>();
        documents.add(new Experiment.Document("doc_1", "invoice-001.pdf", "application/pdf"));
        for (String id : moreDocuments) {
            documents.add(new Experiment.Document(id, id + ".pdf", "application/pdf"));
        }
        return experiments.create(
                TENANT_A,
                new NewExperiment(
                        workflowId, null, null, null, name, new Experiment.Documents(documents, null), null, null));
    }

    @State("an experiment exp_pact exists")
    public Map<String, Object> anExperiment() {
        return Map.of("experimentId", experiment("wf_pact", "Invoices, May").id());
    }

    /**
     * Two (or more: earlier states add theirs) experiments of wf_pact, so a page of one has another after it;
     * {@code newestId} is the first of their listing (newest first), the cursor a first page of one ends with.
     */
    /** Created (ETag "1", no run yet), then renamed once: its ETag is "2" now. */
    @State("an experiment exp_pact exists, changed since its ETag \"1\"")
    public Map<String, Object> anExperimentChangedSince() {
        Experiment e = experiment("wf_pact", "Invoices, May");
        experiments.update(
                TENANT_A,
                e.id(),
                new io.exprun.server.domain.ExperimentChanges("renamed by someone else", null, null, null),
                null);
        return Map.of("experimentId", e.id());
    }

    @State("two experiments of wf_pact exist")
    public Map<String, Object> twoExperiments() {
        experiment("wf_pact", "Invoices, April");
        experiment("wf_pact", "Invoices, May");
        Experiment newest = experiments
                .list(TENANT_A, new ExperimentQuery("wf_pact", null, new PageRequest(null, null, 1, true)))
                .items()
                .get(0);
        return Map.of("newestId", newest.id());
    }

    @State("no experiment exp_missing exists")
    public void noMissingExperiment() {
        if (experimentStore.find(TENANT_A, "exp_missing").isPresent()) {
            throw new IllegalStateException("exp_missing must not exist");
        }
    }

    /**
     * Its run is made running as "a running run exists" makes one: claimed, one result done, the next in flight (so
     * the experiment has a second and a third document).
     */
    @State("experiment exp_busy has a running run")
    public Map<String, Object> aBusyExperiment() {
        Experiment busy = experiment("wf_busy", "Invoices, busy", "doc_2", "doc_3");
        Run run = fixtures().running(TENANT_A, busy.id(), 1, true);
        if (run.status() != LifecycleStatus.RUNNING) {
            throw new IllegalStateException("the run of " + busy.id() + " is " + run.status() + ", not running");
        }
        return Map.of("experimentId", busy.id(), "runId", run.id());
    }
}
