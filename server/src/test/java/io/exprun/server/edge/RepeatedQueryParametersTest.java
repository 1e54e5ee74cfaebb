package io.exprun.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.contract.SpecConformance;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 23, item 10 (contract honesty): a one-value query parameter given twice is a 422 naming it, in the contract's
 * shape, never a silent choice of one of the values (JAX-RS took the first: {@code ?limit=5&limit=500} read 5 pages
 * here and 500 behind a framework that takes the last). A parameter given once, and a repeated one the operation does
 * not declare, are answered as before.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepeatedQueryParametersTest {

    private final SpecConformance spec = SpecConformance.load();
    private TestServer server;
    private Http api;

    @ParameterizedTest(name = "{0}?{1}")
    @CsvSource({
        "/v1/workflows/experiments/runs, limit=5&limit=500, limit",
        "/v1/workflows/experiments/runs, order=asc&status=queued&order=desc, order",
        "/v1/workflows/experiments/runs, status=queued&status=running, status",
        "/v1/workflows/experiments/results, run_id=a&run_id=b, run_id",
        "/v1/workflows/experiments, workflow_id=wf_a&workflow_id=wf_b, workflow_id",
    })
    void a_parameter_given_twice_is_a_422_naming_it(String path, String query, String parameter) {
        Http.Answer answer = api.get(path + "?" + query);

        assertThat(answer.status()).as("%s?%s: %s", path, query, answer.body()).isEqualTo(422);
        assertThat(answer.json().at("/detail/0/loc").toString()).isEqualTo("[\"query\",\"" + parameter + "\"]");
        assertThat(answer.json().at("/detail/0/msg").asText()).contains("given once");
        assertThat(spec.violations("GET", path, 422, answer.body())).isEmpty();
    }

    @ParameterizedTest(name = "{0}?{1}")
    @CsvSource({
        "/v1/workflows/experiments/runs, limit=5",
        "/v1/workflows/experiments/runs, limit=5&order=asc",
        "/v1/workflows/experiments/runs, not_declared=1&not_declared=2",
        "/v1/workflows/experiments, limit=5&workflow_id=wf_a",
    })
    void parameters_given_once_and_undeclared_repeats_are_answered_as_before(String path, String query) {
        Http.Answer answer = api.get(path + "?" + query);

        assertThat(answer.status()).as("%s?%s: %s", path, query, answer.body()).isEqualTo(200);
    }
}
