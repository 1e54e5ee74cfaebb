package io.exprun.example;

import io.exprun.client.ExprunClient;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.server.testing.FaultyProxy;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The compatibility matrix, released consumer against the current server: the consumer scenarios the release of the
 * module running it shipped (exprun.compat.release; {@link ConsumerScenarios}, from released/consumer-scenarios,
 * compiled against that release's client jar),
 * run by that released client against today's server. Runs get into each state through the server's own fixtures;
 * a second server's workers move a created run on. {@link ReleasedClientNegativeControlTest} runs the same scenarios
 * through a server that makes one breaking change ({@link #fault()}), where they must fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleasedClientAgainstCurrentServerTest extends ConsumerScenarios {

    private TestServer still;
    private TestServer live;
    private FaultyProxy stillProxy;
    private FaultyProxy liveProxy;

    /** The breaking change between the client and the servers: none here. */
    FaultyProxy.Fault fault() {
        return FaultyProxy.Fault.NONE;
    }

    @BeforeAll
    void start() throws IOException {
        still = TestServer.startEmbedded(0);
        // 300 ms a document, 1.5 s a run: the scenario's first get must come before the run completes, also through a
        // proxy on a loaded machine (at 100 ms a run completed before it, once, beside a CPU hog); its 500 polls of at
        // least 10 ms each leave 5 s for the run to complete, more as load slows the polls
        live = TestServer.start(TestServer.embeddedConfig(1).withSimulation(300, 0));
        if (fault() != FaultyProxy.Fault.NONE) {
            stillProxy = new FaultyProxy(still.baseUri(), fault(), RunFixtures.KEY_A);
            liveProxy = new FaultyProxy(live.baseUri(), fault(), RunFixtures.KEY_A);
        }
    }

    @AfterAll
    void stop() {
        if (stillProxy != null) {
            stillProxy.close();
            liveProxy.close();
        }
        still.close();
        live.close();
    }

    private String stillUrl() {
        return stillProxy == null ? still.baseUri().toString() : stillProxy.baseUrl();
    }

    @Override
    ExprunClient client() {
        return configured(stillUrl(), RunFixtures.KEY_A).build();
    }

    @Override
    String runIn(LifecycleStatus status) {
        return still.fixtures()
                .runIn(RunFixtures.TENANT_A, io.exprun.server.domain.LifecycleStatus.valueOf(status.name()))
                .id();
    }

    @Override
    RunOf runThatProgressesToCompleted() {
        String url = liveProxy == null ? live.baseUri().toString() : liveProxy.baseUrl();
        ExprunClient client = configured(url, RunFixtures.KEY_A).build();
        return new RunOf(client, client.createRun("exp_demo").getId());
    }

    @Override
    String runThatDoesNotExist() {
        return "exprun_does_not_exist";
    }

    /**
     * Asked by the consumer scenarios of 0.3.0 and later (not an override for older ones, which do not ask): an
     * experiment changed after it was read, and the ETag it had then. Made over plain HTTP, so that it compiles
     * against the client of any release.
     */
    java.util.Map.Entry<String, String> experimentChangedSinceRead() {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpRequest.Builder> to =
                path -> java.net.http.HttpRequest.newBuilder(java.net.URI.create(stillUrl() + path))
                        .header("Authorization", "Bearer " + RunFixtures.KEY_A)
                        .header("Content-Type", "application/json");
        try {
            String created = http.send(
                            to.apply("/v1/workflows/experiments")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                            "{\"workflow_id\":\"wf_demo\",\"source_experiment_id\":\"exp_demo\"}"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            String id = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(created)
                    .get("id")
                    .asText();
            String etag = http.send(
                            to.apply("/v1/workflows/experiments/" + id).GET().build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding())
                    .headers()
                    .firstValue("ETag")
                    .orElseThrow();
            http.send(
                    to.apply("/v1/workflows/experiments/" + id)
                            .method(
                                    "PATCH",
                                    java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"someone else\"}"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            return java.util.Map.entry(id, etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    ExprunClient clientTheServerRefuses() {
        return configured(stillUrl(), "not-a-key").build();
    }

    @Override
    ExprunClient clientThatIsRateLimited() {
        Assumptions.abort("the real server has no rate limiter (the contract declares no 429): only the stub plays it");
        return null;
    }

    static {
        // the scenarios must be the released client's: fail loudly if the current client leaked onto the classpath
        String version = ExprunClient.class.getPackage().getImplementationVersion();
        if (!String.valueOf(version).equals(System.getProperty("exprun.compat.release"))) {
            throw new UncheckedIOException(new IOException("the client on the classpath is " + version
                    + ", not the released " + System.getProperty("exprun.compat.release")));
        }
    }
}
