package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GET /runs/{id}: the run as the clients read it. Runs once per database: see {@link RunsApiOnSqliteTest} and
 * {@link RunsApiOnPostgresTest}.
 */
abstract class GetRunContractTest extends RunsApiContract {

    @Test
    void a_run_carries_every_field_the_clients_require() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        JsonNode body = api.get(RUNS + "/" + run.id()).json();

        for (String field : List.of(
                "id",
                "workflow_id",
                "workflow_version_id",
                "trigger",
                "experiment_id",
                "block_id",
                "block_type",
                "n_consensus",
                "lifecycle",
                "timing",
                "block_execution_fingerprint",
                "documents_fingerprint")) {
            assertThat(body.hasNonNull(field)).as(field).isTrue();
        }
        assertThat(body.get("n_consensus").isInt()).isTrue();
        assertThat(body.get("n_consensus").asInt()).isEqualTo(3);
        assertThat(body.get("block_type").asText()).isEqualTo("extract");
        assertThat(body.at("/trigger/type").asText()).isEqualTo("api");
        assertThat(body.get("document_count").asInt()).isEqualTo(5);
        assertThat(body.get("completed_document_count").asInt()).isEqualTo(1);
        assertThat(body.at("/timing/created_at").asText()).endsWith("Z");
        assertThat(body.at("/timing/started_at").asText()).endsWith("Z");
    }

    @Test
    void an_error_run_carries_its_message_and_details() {
        Run run = fx.errorRun(
                TENANT_A,
                "1 of 5 documents failed",
                new ErrorInfo("timeout", "trace", "blk_extract", "Extract", "timeout", Map.of("document_id", "doc_1")));
        JsonNode lifecycle = api.get(RUNS + "/" + run.id()).json().get("lifecycle");

        assertThat(lifecycle.get("status").asText()).isEqualTo("error");
        assertThat(lifecycle.get("message").asText()).isEqualTo("1 of 5 documents failed");
        assertThat(lifecycle.at("/details/error_code").asText()).isEqualTo("timeout");
        assertThat(lifecycle.at("/details/stack_trace").asText()).isEqualTo("trace");
        assertThat(lifecycle.at("/details/context/document_id").asText()).isEqualTo("doc_1");
    }
}
