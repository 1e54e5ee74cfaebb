package io.exprun.example;

import io.exprun.client.ExprunClient;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link ConsumerScenarios} against the real server (Jetty + Jersey + SQLite on loopback): runs put into each state by
 * the server's own fixtures, and a second server whose workers move runs on. The one scenario the real server cannot
 * produce, 429 (it has no rate limiter; the contract declares none), is skipped here with that reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsumerScenariosAgainstRealServerTest extends ConsumerScenarios {

    /** No workers: runs stay where the fixtures put them. */
    private TestServer still;
    /** Workers with 100 ms per document: a created run is seen moving. */
    private TestServer live;

    @BeforeAll
    void start() {
        still = TestServer.startEmbedded(0);
        // 300 ms a document, 1.5 s a run: the scenario's first get must come before the run completes, also through a
        // proxy on a loaded machine (at 100 ms a run completed before it, once, beside a CPU hog); its 500 polls of at
        // least 10 ms each leave 5 s for the run to complete, more as load slows the polls
        live = TestServer.start(TestServer.embeddedConfig(1).withSimulation(300, 0));
    }

    @AfterAll
    void stop() {
        still.close();
        live.close();
    }

    @Override
    ExprunClient client() {
        return configured(still.baseUri().toString(), RunFixtures.KEY_A).build();
    }

    @Override
    String runIn(LifecycleStatus status) {
        return still.fixtures()
                .runIn(RunFixtures.TENANT_A, io.exprun.server.domain.LifecycleStatus.valueOf(status.name()))
                .id();
    }

    @Override
    RunOf runThatProgressesToCompleted() {
        ExprunClient client =
                configured(live.baseUri().toString(), RunFixtures.KEY_A).build();
        return new RunOf(
                client,
                client.workflows().experiments().runs().create("exp_demo").getId());
    }

    @Override
    String runThatDoesNotExist() {
        return "exprun_does_not_exist";
    }

    @Override
    java.util.Map.Entry<String, String> experimentChangedSinceRead() {
        var experiments = client().workflows().experiments();
        String id = experiments
                .create(new io.exprun.client.generated.model.CreateExperimentRequest()
                        .workflowId("wf_demo")
                        .sourceExperimentId("exp_demo"))
                .getId();
        String read = experiments
                .getWithResponse(id, io.exprun.client.RequestOptions.none())
                .etag()
                .orElseThrow();
        experiments.update(id, new io.exprun.client.generated.model.UpdateExperimentRequest().name("someone else"));
        return java.util.Map.entry(id, read);
    }

    @Override
    ExprunClient clientTheServerRefuses() {
        return configured(still.baseUri().toString(), "not-a-key").build();
    }

    @Override
    ExprunClient clientThatIsRateLimited() {
        Assumptions.abort("the real server has no rate limiter (the contract declares no 429): only the stub plays it");
        return null;
    }
}
