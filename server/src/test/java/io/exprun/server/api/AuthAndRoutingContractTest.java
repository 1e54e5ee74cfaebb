package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Before any operation: the API key, and requests no operation matches (unknown path, wrong method, a broken or too
 * long request line). Runs once per database: see {@link RunsApiOnSqliteTest} and {@link RunsApiOnPostgresTest}.
 */
abstract class AuthAndRoutingContractTest extends RunsApiContract {

    @Test
    void a_request_without_a_key_gets_401_with_a_bearer_challenge() {
        Http.Answer answer = api.as(null).get(RUNS);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(answer.errorCode()).isEqualTo("unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wrong-key", "test-key-a-but-longer", "Basic dGVzdDp0ZXN0"})
    void a_request_with_an_invalid_key_or_scheme_gets_401(String credentials) {
        Http.Answer answer = api.as(null)
                .send(api.as(null)
                        .builder(RUNS)
                        .header(
                                "Authorization",
                                credentials.startsWith("Basic") ? credentials : "Bearer " + credentials)
                        .GET());

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer");
        assertThat(answer.body()).doesNotContain(credentials);
    }

    @Test
    void cancel_without_a_key_gets_401_and_changes_nothing() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);

        assertThat(api.as(null).post(RUNS + "/" + run.id() + "/cancel").status())
                .isEqualTo(401);
        assertThat(api.get(RUNS + "/" + run.id()).lifecycleStatus()).isEqualTo("running");
    }

    // ---- routing and the request line -----------------------------------------------------------

    @Test
    void an_unknown_path_returns_404_and_a_wrong_method_405_in_the_error_envelope() {
        Http.Answer unknown = api.get("/v1/workflows/nothing-here");
        Http.Answer wrongMethod = api.send(api.builder(RUNS + "/exprun_1").DELETE());

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("not_found");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.errorCode()).isEqualTo("method_not_allowed");
    }

    /** A target that is no valid URI is a 400 (RFC 9112 §3.2): Jetty refuses the path, Jersey's container the query. */
    @Test
    void a_uri_with_broken_percent_encoding_gets_400_in_the_contracts_shape_not_500() {
        Http.Answer path = api.raw("POST", RUNS + "/%ZZ/cancel");
        Http.Answer query = api.raw("GET", RUNS + "?status=%Zx");

        assertThat(path.status()).isEqualTo(400);
        assertThat(path.errorCode()).isEqualTo("bad_request");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.errorCode()).isEqualTo("bad_request");
    }

    @Test
    void a_ten_kilobyte_run_id_exceeds_the_request_line_limit_and_is_a_414_that_does_not_echo_it_whole() {
        Http.Answer answer = api.post(RUNS + "/" + "r".repeat(10_000) + "/cancel");

        // Jetty refuses a request target beyond its 8 KB header limit before any handler runs, as RFC 9112 §3 says
        // (414; Grizzly: 400), in the JSON envelope (http/DoorAnswers): never the run id echoed back
        assertThat(answer.status()).isEqualTo(414);
        assertThat(answer.json().has("detail")).isTrue();
        assertThat(answer.body()).doesNotContain("rrrrrrrrrr");
        assertThat(answer.body().length()).isLessThan(1_000);
    }
}
