package io.exprun.contract;

import static io.exprun.server.testing.RunFixtures.TENANT_A;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junitsupport.State;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.SimulatedBlockExecutor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One method per provider state, each setting its state up through the real service and store (RunFixtures) of a
 * real server on H2, and returning the ids it created for the pact's provider-state expressions ({@code ${runId}}).
 * Shared by the provider verifications (folder, broker) and their negative control, with the server's lifecycle.
 */
public abstract class ProviderStates {

    protected static final ResponseRecorder RECORDER = new ResponseRecorder();
    protected static TestServer server;

    /** Starts the server under verification once per test class: no workers, so states stay as set up. */
    @BeforeAll
    static void startServer() {
        server = TestServer.start(TestServer.embeddedConfig(0), new SimulatedBlockExecutor(10, 0), List.of(RECORDER));
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
}
