package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.KEY_A;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The experiment-runs API over real HTTP against a real database, one class per operation (create, get, list, cancel,
 * results, execution, auth and routing), each with a server of its own on a fresh database. Runs once per database: see
 * {@link RunsApiOnSqliteTest} and {@link RunsApiOnPostgresTest}, which hold one nested class per operation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunsApiContract {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String RESULTS = "/v1/workflows/experiments/results";

    TestServer server;
    Http api;
    RunFixtures fx;

    /** A config on a database nobody else uses. */
    abstract ServerConfig freshConfig(int workers);

    @BeforeAll
    void start() {
        server = TestServer.start(freshConfig(0));
        api = new Http(server.baseUri(), KEY_A);
        fx = server.fixtures();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    // ---- helpers --------------------------------------------------------------------------------

    Map<String, String> resultStatuses(String runId) {
        return resultStatuses(api, runId);
    }

    static Map<String, String> resultStatuses(Http http, String runId) {
        Map<String, String> statuses = new HashMap<>();
        http.get(RESULTS + "?run_id=" + runId)
                .json()
                .get("data")
                .forEach(r -> statuses.put(
                        r.get("id").asText(), r.at("/lifecycle/status").asText()));
        return statuses;
    }

    int countRuns() {
        int n = 0;
        String after = null;
        do {
            JsonNode page = api.get(RUNS + "?limit=100" + (after == null ? "" : "&after=" + after))
                    .json();
            n += page.get("data").size();
            after = page.at("/list_metadata/after").isNull()
                    ? null
                    : page.at("/list_metadata/after").asText();
        } while (after != null);
        return n;
    }
}
