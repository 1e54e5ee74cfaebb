package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.KEY_B;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static io.exprun.server.testing.RunFixtures.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import org.junit.jupiter.api.Test;

/**
 * GET /results and /results/{id}. Runs once per database: see {@link RunsApiOnSqliteTest} and
 * {@link RunsApiOnPostgresTest}.
 */
abstract class ResultsContractTest extends RunsApiContract {

    @Test
    void a_result_can_be_read_by_id_and_carries_its_document() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.COMPLETED);
        JsonNode listed = api.get(RESULTS + "?run_id=" + run.id() + "&order=asc")
                .json()
                .get("data")
                .get(0);

        JsonNode result = api.get(RESULTS + "/" + listed.get("id").asText()).json();

        assertThat(result).isEqualTo(listed);
        assertThat(result.get("experiment_run_id").asText()).isEqualTo(run.id());
        assertThat(result.get("document_id").asText()).isEqualTo("doc_1");
        assertThat(result.at("/handle_inputs/document/document/filename").asText())
                .isEqualTo("invoice-001.pdf");
        assertThat(result.at("/handle_outputs/data/type").asText()).isEqualTo("json");
        assertThat(result.at("/artifact/operation").asText()).isEqualTo("extraction");
        assertThat(result.at("/lifecycle/status").asText()).isEqualTo("completed");
    }

    @Test
    void an_unknown_or_foreign_result_returns_404_result_not_found() {
        Run theirs = fx.runIn(TENANT_B, LifecycleStatus.COMPLETED);
        String theirResult = api.as(KEY_B)
                .get(RESULTS + "?run_id=" + theirs.id())
                .json()
                .at("/data/0/id")
                .asText();

        assertThat(api.get(RESULTS + "/expres_nope").errorCode()).isEqualTo("result_not_found");
        assertThat(api.get(RESULTS + "/" + theirResult).errorCode()).isEqualTo("result_not_found");
    }

    @Test
    void listing_results_without_run_id_returns_422() {
        Http.Answer answer = api.get(RESULTS);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().at("/detail/0/loc").toString()).isEqualTo("[\"query\",\"run_id\"]");
    }
}
